using System.Text;
using Google.Protobuf;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Keys;
using Vdr.Cdc.Pipeline;
using Vdr.Cdc.Routing;

namespace Vdr.Cdc.Events;

/// <summary>
/// Turns source messages into Kafka records: snapshot records into READ events (chunked values keep their chunk
/// index and last flag), commands into UPSERT/DELETE/TRUNCATE/CONTROL events per key (split for independent keys,
/// one per key with its role for interacting keys), and snapshot boundaries into CONTROL events on every partition.
/// Not thread-safe: one mapper per replication session.
/// </summary>
public sealed partial class ChangeEventMapper
{
    private readonly TopicRouter _router;
    private readonly EventOptions _options;
    private readonly TimeProvider _time;
    private readonly List<KeyReference> _keys = [];

    public ChangeEventMapper(TopicRouter router, CommandKeyTable keyTable, EventOptions options, string connector, string server, TimeProvider? time = null)
    {
        _router = router;
        KeyTable = keyTable;
        _options = options;
        Connector = connector;
        Server = server;
        _time = time ?? TimeProvider.System;
    }

    public string Connector { get; }

    public string Server { get; }

    /// <summary>The key table in use (replaceable after connect, when the server's table was read).</summary>
    public CommandKeyTable KeyTable { get; set; }

    /// <summary>The snapshot epoch stamped on events (set by the pipeline).</summary>
    public ulong SnapshotEpoch { get; set; }

    /// <summary>The replication id stamped on events (from FULLRESYNC / CONTINUE).</summary>
    public string ReplicationId { get; set; } = string.Empty;

    /// <summary>Commands the key table did not know (their first argument was taken as the key).</summary>
    public long UnknownCommands { get; private set; }

    /// <summary>Maps one replicated command (outside or inside a MULTI/EXEC unit).</summary>
    public void MapCommand(SourceMessage.Command command, bool inTransaction, List<OutgoingRecord> output)
    {
        var args = command.Args;
        if (args.Count == 0)
        {
            return;
        }

        var name = Encoding.ASCII.GetString(args[0]).ToUpperInvariant();
        switch (name)
        {
            case "PUBLISH" or "SPUBLISH":
                MapPublish(command, name, inTransaction, output);
                return;
            case "FLUSHDB":
                foreach (var topic in _router.TopicsOfDb(command.Db))
                {
                    output.Add(DbWide(topic, Op.Truncate, command, name, inTransaction, null));
                }

                return;
            case "FLUSHALL":
                foreach (var topic in AllTopics(command.Db))
                {
                    output.Add(DbWide(topic, Op.Truncate, command, name, inTransaction, null));
                }

                return;
            case "SWAPDB" when args.Count >= 3 && TryParseInt(args[1], out var a) && TryParseInt(args[2], out var b):
                var control = new Control { Kind = ControlKind.SwapDb, Dbs = { a, b } };
                foreach (var topic in _router.TopicsOfDb(a).Concat(_router.TopicsOfDb(b)).Distinct(StringComparer.Ordinal))
                {
                    output.Add(DbWide(topic, Op.Control, command, name, inTransaction, control));
                }

                return;
            case "FUNCTION":
                foreach (var topic in AllTopics(command.Db))
                {
                    output.Add(DbWide(topic, Op.Control, command, name, inTransaction, new Control { Kind = ControlKind.Function }));
                }

                return;
            case "MOVE" when args.Count >= 3 && TryParseInt(args[2], out var targetDb):
                AddKeyed(command, name, inTransaction, command.Db, 1, Op.Delete, KeyRole.Source, true, split: false, index: 0, output);
                AddKeyed(command, name, inTransaction, targetDb, 1, Op.Upsert, KeyRole.Destination, true, split: false, index: 1, output);
                return;
        }

        if (!KeyTable.TryGetKeys(args, _keys))
        {
            UnknownCommands++;
            _keys.Clear();
            if (args.Count >= 2)
            {
                _keys.Add(new KeyReference(1, KeySpecFlags.RW | KeySpecFlags.Update));
            }
        }

        if (_keys.Count == 0)
        {
            foreach (var topic in _router.TopicsOfDb(command.Db))
            {
                output.Add(DbWide(topic, Op.Control, command, name, inTransaction, new Control { Kind = ControlKind.KeylessCommand }));
            }

            return;
        }

        if (_keys.Count == 1)
        {
            var op = IsDelete(name) ? Op.Delete : Op.Upsert;
            AddKeyed(command, name, inTransaction, command.Db, _keys[0].ArgIndex, op, KeyRole.Key, true, split: false, index: 0, output);
            return;
        }

        if (IsIndependent(name))
        {
            var op = IsDelete(name) ? Op.Delete : Op.Upsert;
            for (var i = 0; i < _keys.Count; i++)
            {
                AddKeyed(command, name, inTransaction, command.Db, _keys[i].ArgIndex, op, KeyRole.Key, true, split: true, index: (uint)i, output);
            }

            return;
        }

        // Interacting keys: one event per key, each with its role and the whole command.
        var keys = _keys.ToArray();
        var destinationDb = command.Db;
        if (name == "COPY" && TryFindDbOption(args, out var copyDb))
        {
            destinationDb = copyDb;
        }

        for (var i = 0; i < keys.Length; i++)
        {
            var role = RoleOf(keys[i].Flags);
            var written = (keys[i].Flags & KeySpecFlags.RO) == 0;
            var op = role == KeyRole.Source && name is "RENAME" or "RENAMENX" ? Op.Delete : Op.Upsert;
            var db = role == KeyRole.Destination ? destinationDb : command.Db;
            AddKeyed(command, name, inTransaction, db, keys[i].ArgIndex, op, role, written, split: false, index: (uint)i, output);
        }
    }

    private static KeyRole RoleOf(KeySpecFlags flags)
    {
        if ((flags & KeySpecFlags.OW) != 0 || ((flags & KeySpecFlags.RW) != 0 && (flags & KeySpecFlags.Insert) != 0 && (flags & KeySpecFlags.Delete) == 0))
        {
            return KeyRole.Destination;
        }

        if ((flags & KeySpecFlags.RO) != 0 || (flags & KeySpecFlags.Delete) != 0 || (flags & KeySpecFlags.RM) != 0)
        {
            return KeyRole.Source;
        }

        return KeyRole.Key;
    }

    private static bool IsDelete(string name) => name is "DEL" or "UNLINK";

    private static bool IsIndependent(string name) => name is "DEL" or "UNLINK" or "MSET" or "MSETNX" or "TOUCH";

    private void MapPublish(SourceMessage.Command command, string name, bool inTransaction, List<OutgoingRecord> output)
    {
        if (!_options.IncludePubSub || command.Args.Count < 2 || command.Args[1].AsSpan().SequenceEqual("__sentinel__:hello"u8))
        {
            return;
        }

        var channel = command.Args[1];
        var topic = _router.TopicFor(command.Db, channel, out _);
        var change = NewEvent(Op.Control, command.Db, command.StartOffset, command.Position.Offset, 0, SnapshotMarker.False);
        change.Key = Wrap(channel);
        change.Control = new Control { Kind = ControlKind.Publish };
        change.Command = BuildCommand(name, command.Args, 1, KeyRole.Key, false, split: false, inTransaction);
        output.Add(new OutgoingRecord(topic, channel, change, allPartitions: false));
    }

    private void AddKeyed(SourceMessage.Command command, string name, bool inTransaction, int db, int keyArgIndex, Op op, KeyRole role, bool written, bool split, uint index, List<OutgoingRecord> output)
    {
        var key = command.Args[keyArgIndex];
        var topic = _router.TopicFor(db, key, out _);
        var change = NewEvent(op, db, command.StartOffset, command.Position.Offset, index, SnapshotMarker.False);
        change.Key = Wrap(key);
        if (split)
        {
            var end = command.Args.Count;
            foreach (var other in _keys)
            {
                if (other.ArgIndex > keyArgIndex && other.ArgIndex < end)
                {
                    end = other.ArgIndex;
                }
            }

            change.Command = new Command { Name = name, KeyRole = role, KeyArgIndex = 0, Split = true, InTransaction = inTransaction, KeyWritten = written };
            for (var i = keyArgIndex; i < end; i++)
            {
                change.Command.Args.Add(Wrap(command.Args[i]));
            }
        }
        else
        {
            change.Command = BuildCommand(name, command.Args, keyArgIndex, role, written, split: false, inTransaction);
        }

        output.Add(new OutgoingRecord(topic, key, change, allPartitions: false));
        if (op == Op.Delete && _options.Tombstones)
        {
            output.Add(new OutgoingRecord(topic, key, null, allPartitions: false));
        }
    }

    private OutgoingRecord DbWide(string topic, Op op, SourceMessage.Command command, string name, bool inTransaction, Control? control)
    {
        var change = NewEvent(op, command.Db, command.StartOffset, command.Position.Offset, 0, SnapshotMarker.False);
        change.Command = BuildCommand(name, command.Args, 0, KeyRole.Unspecified, false, split: false, inTransaction);
        if (control is not null)
        {
            change.Control = control;
        }

        return new OutgoingRecord(topic, null, change, allPartitions: true);
    }

    private static Command BuildCommand(string name, IReadOnlyList<byte[]> args, int keyArgIndex, KeyRole role, bool written, bool split, bool inTransaction)
    {
        var result = new Command
        {
            Name = name,
            KeyRole = role,
            KeyArgIndex = role == KeyRole.Unspecified ? -1 : keyArgIndex - 1,
            Split = split,
            InTransaction = inTransaction,
            KeyWritten = written,
        };
        for (var i = 1; i < args.Count; i++)
        {
            result.Args.Add(Wrap(args[i]));
        }

        return result;
    }

    private IEnumerable<string> AllTopics(int currentDb)
    {
        _router.TopicsOfDb(currentDb);
        return _router.KnownTopics.ToArray();
    }

    private ChangeEvent NewEvent(Op op, int db, long offset, long endOffset, uint index, SnapshotMarker marker) => new()
    {
        Source = new Source
        {
            ReplicationId = ReplicationId,
            Offset = offset,
            EndOffset = endOffset,
            Index = index,
            Db = db,
            Connector = Connector,
            Server = Server,
            Snapshot = marker,
            SnapshotEpoch = SnapshotEpoch,
        },
        Op = op,
        TsMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
    };

    /// <summary>
    /// The bytes as a ByteString without copying them. Safe because every array handed to the mapper (snapshot
    /// records, command arguments) is owned by its message, never reused or changed after it was delivered, and the
    /// event is serialized before anything could.
    /// </summary>
    private static ByteString Wrap(byte[] bytes) => UnsafeByteOperations.UnsafeWrap(bytes);

    private static bool TryParseInt(byte[] bytes, out int value) =>
        int.TryParse(bytes, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value);

    private static bool TryFindDbOption(IReadOnlyList<byte[]> args, out int db)
    {
        for (var i = 3; i < args.Count - 1; i++)
        {
            if (Ascii.EqualsIgnoreCase(args[i], "DB"u8) && TryParseInt(args[i + 1], out db))
            {
                return true;
            }
        }

        db = 0;
        return false;
    }
}
