using System.Globalization;
using System.Text;
using Google.Protobuf;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Host.Apply;

/// <summary>
/// The Redis commands that reproduce one change event on the target. Snapshot entries rebuild keys chunk by chunk
/// (the first chunk replaces the key, later ones append), set the key's expiry with the last chunk, and restore
/// stream metadata, consumer groups and pending entries; streamed commands run as replicated; a new snapshot empties
/// the target (FLUSHALL: the snapshot holds every database). Returns false with a reason for what cannot be reproduced.
/// </summary>
internal static class ChangeCommands
{
    private static readonly byte[] TemporaryGroup = "vdr-cdc-apply-tmp"u8.ToArray();

    public static bool TryBuild(ChangeEvent change, bool hashFieldExpiry, List<TargetCommand> output, out string reason)
    {
        reason = string.Empty;
        var db = change.Source.Db;
        switch (change.Op)
        {
            case Op.Read:
                return TryBuildRead(change, hashFieldExpiry, output, out reason);
            case Op.Control:
                switch (change.Control?.Kind)
                {
                    case ControlKind.SnapshotBegin:
                        output.Add(new TargetCommand(db, "FLUSHALL", []));
                        return true;
                    case ControlKind.Function when !change.Control.Payload.IsEmpty:
                        output.Add(new TargetCommand(db, "FUNCTION", [Bytes("LOAD"), Bytes("REPLACE"), change.Control.Payload.Memory]));
                        return true;
                    case ControlKind.Function or ControlKind.SwapDb or ControlKind.KeylessCommand:
                        return TryBuildCommand(change, output, out reason);
                    default:
                        // Snapshot end, publish, heartbeat, full resync: not data.
                        return true;
                }

            case Op.Upsert or Op.Delete or Op.Truncate:
                return TryBuildCommand(change, output, out reason);
            default:
                reason = $"op {change.Op} has no meaning for a Redis target";
                return false;
        }
    }

    private static bool TryBuildCommand(ChangeEvent change, List<TargetCommand> output, out string reason)
    {
        if (change.Command is not { Name.Length: > 0 } command)
        {
            reason = $"a {change.Op} event without its command";
            return false;
        }

        reason = string.Empty;
        output.Add(new TargetCommand(change.Source.Db, command.Name, [.. command.Args.Select(a => a.Memory)]));
        return true;
    }

    private static bool TryBuildRead(ChangeEvent change, bool hashFieldExpiry, List<TargetCommand> output, out string reason)
    {
        reason = string.Empty;
        var db = change.Source.Db;
        var key = change.Key.Memory;
        var first = change.ChunkIndex == 0;
        switch (change.ValueCase)
        {
            case ChangeEvent.ValueOneofCase.StringValue:
                var part = change.StringValue;
                output.Add(first && part.Offset == 0
                    ? new TargetCommand(db, "SET", [key, part.Data.Memory])
                    : new TargetCommand(db, "SETRANGE", [key, Number(part.Offset), part.Data.Memory]));
                break;
            case ChangeEvent.ValueOneofCase.ListValue:
                Replace(first, db, key, output);
                AddMany(db, "RPUSH", key, change.ListValue.Items.Select(i => i.Memory), output);
                break;
            case ChangeEvent.ValueOneofCase.SetValue:
                Replace(first, db, key, output);
                AddMany(db, "SADD", key, change.SetValue.Members.Select(m => m.Memory), output);
                break;
            case ChangeEvent.ValueOneofCase.SortedSetValue:
                Replace(first, db, key, output);
                AddMany(db, "ZADD", key, change.SortedSetValue.Members.SelectMany(m => new[] { Score(m.Score), m.Member.Memory }), output);
                break;
            case ChangeEvent.ValueOneofCase.HashValue:
                Replace(first, db, key, output);
                AddMany(db, "HSET", key, change.HashValue.Fields.SelectMany(f => new[] { f.Field.Memory, f.Value.Memory }), output);
                foreach (var field in change.HashValue.Fields.Where(f => f.HasExpireAtMs))
                {
                    if (!hashFieldExpiry)
                    {
                        reason = "a hash field with an expiry (Redis 7.4+ HPEXPIREAT), which the target does not support";
                        return false;
                    }

                    output.Add(new TargetCommand(db, "HPEXPIREAT", [key, Number(field.ExpireAtMs), Bytes("FIELDS"), Bytes("1"), field.Field.Memory]));
                }

                break;
            case ChangeEvent.ValueOneofCase.StreamValue:
                Replace(first, db, key, output);
                foreach (var entry in change.StreamValue.Entries)
                {
                    var args = new List<ReadOnlyMemory<byte>> { key, Id(entry.Id) };
                    foreach (var field in entry.Fields)
                    {
                        args.Add(field.Field.Memory);
                        args.Add(field.Value.Memory);
                    }

                    output.Add(new TargetCommand(db, "XADD", args));
                }

                if (change.StreamValue.Metadata is { } metadata)
                {
                    AddStreamMetadata(db, key, metadata, output);
                }

                break;
            case ChangeEvent.ValueOneofCase.ModuleValue:
                reason = $"a module value (type {change.ModuleValue.ModuleName}) whose payload the connector skipped";
                return false;
            default:
                reason = "a snapshot entry without a value";
                return false;
        }

        if (change.LastChunk && change.HasExpireAtMs)
        {
            output.Add(new TargetCommand(db, "PEXPIREAT", [key, Number(change.ExpireAtMs)]));
        }

        return true;
    }

    private static void AddStreamMetadata(int db, ReadOnlyMemory<byte> key, StreamMetadata metadata, List<TargetCommand> output)
    {
        if (metadata.Length == 0)
        {
            // An empty stream (no XADD created it): create it through a throwaway group.
            output.Add(new TargetCommand(db, "XGROUP", [Bytes("CREATE"), key, TemporaryGroup, Bytes("0"), Bytes("MKSTREAM")]));
            output.Add(new TargetCommand(db, "XGROUP", [Bytes("DESTROY"), key, TemporaryGroup]));
        }

        output.Add(new TargetCommand(db, "XSETID", [key, Id(metadata.LastId), Bytes("ENTRIESADDED"), Number((long)metadata.EntriesAdded), Bytes("MAXDELETEDID"), Id(metadata.MaxDeletedId)]));
        foreach (var group in metadata.Groups)
        {
            var create = new List<ReadOnlyMemory<byte>> { Bytes("CREATE"), key, group.Name.Memory, Id(group.LastDeliveredId) };
            if (group.HasEntriesRead)
            {
                create.Add(Bytes("ENTRIESREAD"));
                create.Add(Number(group.EntriesRead));
            }

            output.Add(new TargetCommand(db, "XGROUP", create));
            foreach (var consumer in group.Consumers)
            {
                output.Add(new TargetCommand(db, "XGROUP", [Bytes("CREATECONSUMER"), key, group.Name.Memory, consumer.Name.Memory]));
            }

            foreach (var pending in group.Pending.Where(p => !p.Consumer.IsEmpty))
            {
                output.Add(new TargetCommand(db, "XCLAIM", [key, group.Name.Memory, pending.Consumer.Memory, Bytes("0"), Id(pending.Id),
                    Bytes("TIME"), Number(pending.DeliveryTimeMs), Bytes("RETRYCOUNT"), Number((long)pending.DeliveryCount), Bytes("FORCE"), Bytes("JUSTID")]));
            }
        }
    }

    private static void Replace(bool first, int db, ReadOnlyMemory<byte> key, List<TargetCommand> output)
    {
        if (first)
        {
            output.Add(new TargetCommand(db, "DEL", [key]));
        }
    }

    private static void AddMany(int db, string name, ReadOnlyMemory<byte> key, IEnumerable<ReadOnlyMemory<byte>> items, List<TargetCommand> output)
    {
        var args = new List<ReadOnlyMemory<byte>> { key };
        args.AddRange(items);
        if (args.Count > 1)
        {
            output.Add(new TargetCommand(db, name, args));
        }
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static ReadOnlyMemory<byte> Number(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    private static ReadOnlyMemory<byte> Id(StreamId? id) => Encoding.ASCII.GetBytes(id is null ? "0-0" : string.Create(CultureInfo.InvariantCulture, $"{id.Ms}-{id.Seq}"));

    private static ReadOnlyMemory<byte> Score(double score) => Encoding.ASCII.GetBytes(
        double.IsPositiveInfinity(score) ? "+inf" : double.IsNegativeInfinity(score) ? "-inf" : score.ToString("R", CultureInfo.InvariantCulture));
}
