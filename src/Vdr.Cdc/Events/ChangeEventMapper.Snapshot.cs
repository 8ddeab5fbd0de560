using Google.Protobuf;
using Vdr.Cdc.Events.V1;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Events;

public sealed partial class ChangeEventMapper
{
    private RdbKeyStart? _currentKey;
    private SnapshotSource? _snapshotSource;
    private int _chunkIndex;
    private uint _snapshotIndex;
    private long _snapshotOffset;
    private readonly HashSet<string> _snapshotTopics = new(StringComparer.Ordinal);

    /// <summary>Keys read in the current snapshot.</summary>
    public ulong SnapshotKeys { get; private set; }

    /// <summary>True between <see cref="BeginSnapshot"/> and <see cref="EndSnapshot"/>.</summary>
    public bool InSnapshot { get; private set; }

    /// <summary>Starts a snapshot: SNAPSHOT_BEGIN on every partition of every known topic.</summary>
    public void BeginSnapshot(string replicationId, long offset, List<OutgoingRecord> output)
    {
        ReplicationId = replicationId;
        InSnapshot = true;
        _snapshotOffset = offset;
        _snapshotIndex = 0;
        SnapshotKeys = 0;
        _currentKey = null;
        _snapshotTopics.Clear();
        _router.TopicsOfDb(0);
        foreach (var topic in _router.KnownTopics.ToArray())
        {
            AddSnapshotBegin(topic, output);
        }
    }

    /// <summary>Ends the snapshot: SNAPSHOT_END on every partition of every topic that got SNAPSHOT_BEGIN.</summary>
    public void EndSnapshot(List<OutgoingRecord> output)
    {
        foreach (var topic in _router.KnownTopics.ToArray())
        {
            if (!_snapshotTopics.Contains(topic))
            {
                AddSnapshotBegin(topic, output);
            }
        }

        foreach (var topic in _snapshotTopics)
        {
            var change = NewEvent(Op.Control, 0, _snapshotOffset, _snapshotOffset, 0, SnapshotMarker.Last);
            change.Control = new Control { Kind = ControlKind.SnapshotEnd, KeyCount = SnapshotKeys };
            output.Add(new OutgoingRecord(topic, null, change, allPartitions: true));
        }

        InSnapshot = false;
        _currentKey = null;
    }

    /// <summary>
    /// Maps one snapshot record; only value chunks (and stream metadata, function libraries) produce events. The
    /// chunks' elements are walked by index: a foreach over their IReadOnlyList would allocate an enumerator each.
    /// </summary>
    public void MapSnapshot(RdbRecord record, List<OutgoingRecord> output)
    {
        switch (record)
        {
            case RdbKeyStart start:
                _currentKey = start;
                _chunkIndex = 0;
                SnapshotKeys++;
                break;
            case RdbKeyEnd:
                _currentKey = null;
                break;
            case RdbStringChunk chunk:
                AddDirectRead(output, chunk, chunk.IsLast);
                break;
            case RdbListChunk chunk:
                AddDirectRead(output, chunk, chunk.IsLast);
                break;
            case RdbSetChunk chunk:
                AddDirectRead(output, chunk, chunk.IsLast);
                break;
            case RdbSortedSetChunk chunk:
                AddDirectRead(output, chunk, chunk.IsLast);
                break;
            case RdbHashChunk chunk:
                AddDirectRead(output, chunk, chunk.IsLast);
                break;
            case RdbStreamEntriesChunk chunk:
                // The stream's metadata follows its entries and is the key's last chunk.
                var stream = new StreamValue();
                foreach (var entry in chunk.Entries)
                {
                    var streamEntry = new StreamEntry { Id = Id(entry.Id) };
                    foreach (var pair in entry.Fields)
                    {
                        streamEntry.Fields.Add(new StreamField { Field = Wrap(pair.Key), Value = Wrap(pair.Value) });
                    }

                    stream.Entries.Add(streamEntry);
                }

                AddRead(output, false).StreamValue = stream;
                break;
            case RdbStreamMetadata meta:
                AddRead(output, true).StreamValue = new StreamValue { Metadata = Metadata(meta) };
                break;
            case RdbModuleValue module:
                AddRead(output, true).ModuleValue = new ModuleValue { ModuleName = module.ModuleName, ModuleId = module.ModuleId, SkippedBytes = module.SkippedBytes };
                break;
            case RdbFunction function:
                foreach (var topic in _router.KnownTopics.ToArray())
                {
                    EnsureSnapshotBegin(topic, output);
                    var change = NewEvent(Op.Control, 0, _snapshotOffset, _snapshotOffset, _snapshotIndex, SnapshotMarker.True);
                    change.Control = new Control { Kind = ControlKind.Function, Payload = ByteString.CopyFrom(function.Code) };
                    output.Add(new OutgoingRecord(topic, null, change, allPartitions: true));
                }

                _snapshotIndex++;
                break;
        }
    }

    /// <summary>Adds the READ event of the current key's next chunk in its direct form (written from the chunk).</summary>
    private void AddDirectRead(List<OutgoingRecord> output, RdbRecord chunk, bool isLast)
    {
        var (start, topic) = CurrentKeyTopic(output);
        var read = new SnapshotReadEvent(CurrentSnapshotSource(), start, chunk, _snapshotIndex++, (uint)_chunkIndex++, isLast, _time.GetUtcNow().ToUnixTimeMilliseconds());
        output.Add(new OutgoingRecord(topic, start.Key, read));
    }

    /// <summary>Adds the READ event of the current key's next chunk; the caller sets its value.</summary>
    private ChangeEvent AddRead(List<OutgoingRecord> output, bool isLast)
    {
        var (start, topic) = CurrentKeyTopic(output);
        var change = NewEvent(Op.Read, start.Db, _snapshotOffset, _snapshotOffset, _snapshotIndex++, SnapshotMarker.True);
        change.Key = Wrap(start.Key);
        change.ChunkIndex = (uint)_chunkIndex++;
        change.LastChunk = isLast;
        if (start.ExpireAtMs is { } expireAt)
        {
            change.ExpireAtMs = expireAt;
        }

        output.Add(new OutgoingRecord(topic, start.Key, change, allPartitions: false));
        return change;
    }

    private (RdbKeyStart Start, string Topic) CurrentKeyTopic(List<OutgoingRecord> output)
    {
        var start = _currentKey ?? throw new InvalidOperationException("a snapshot value chunk arrived outside a key (no RdbKeyStart before it)");
        var topic = _router.TopicFor(start.Db, start.Key, out _);
        EnsureSnapshotBegin(topic, output);
        return (start, topic);
    }

    /// <summary>The encoded source fields of the snapshot's READ events, made again when what they hold changed.</summary>
    private SnapshotSource CurrentSnapshotSource()
    {
        var source = _snapshotSource;
        if (source is null || !ReferenceEquals(source.ReplicationId, ReplicationId) || source.Offset != _snapshotOffset || source.Epoch != SnapshotEpoch)
        {
            source = _snapshotSource = new SnapshotSource(ReplicationId, _snapshotOffset, Connector, Server, SnapshotEpoch);
        }

        return source;
    }

    private void EnsureSnapshotBegin(string topic, List<OutgoingRecord> output)
    {
        if (InSnapshot && !_snapshotTopics.Contains(topic))
        {
            AddSnapshotBegin(topic, output);
        }
    }

    private void AddSnapshotBegin(string topic, List<OutgoingRecord> output)
    {
        _snapshotTopics.Add(topic);
        var change = NewEvent(Op.Control, 0, _snapshotOffset, _snapshotOffset, 0, SnapshotMarker.First);
        change.Control = new Control { Kind = ControlKind.SnapshotBegin };
        output.Add(new OutgoingRecord(topic, null, change, allPartitions: true));
    }

    private static StreamId Id(RdbStreamId id) => new() { Ms = id.Ms, Seq = id.Seq };

    private static StreamMetadata Metadata(RdbStreamMetadata meta)
    {
        var result = new StreamMetadata
        {
            Length = meta.Length,
            LastId = Id(meta.LastId),
            FirstId = Id(meta.FirstId),
            MaxDeletedId = Id(meta.MaxDeletedId),
            EntriesAdded = meta.EntriesAdded,
        };
        foreach (var group in meta.Groups)
        {
            var g = new StreamGroup { Name = ByteString.CopyFrom(group.Name), LastDeliveredId = Id(group.LastDeliveredId) };
            if (group.EntriesRead is { } read)
            {
                g.EntriesRead = read;
            }

            foreach (var pending in group.Pending)
            {
                g.Pending.Add(new StreamPendingEntry
                {
                    Id = Id(pending.Id),
                    DeliveryTimeMs = pending.DeliveryTimeMs,
                    DeliveryCount = pending.DeliveryCount,
                    Consumer = pending.Consumer is null ? ByteString.Empty : ByteString.CopyFrom(pending.Consumer),
                });
            }

            foreach (var consumer in group.Consumers)
            {
                var c = new StreamConsumer { Name = ByteString.CopyFrom(consumer.Name), SeenTimeMs = consumer.SeenTimeMs };
                if (consumer.ActiveTimeMs is { } active)
                {
                    c.ActiveTimeMs = active;
                }

                foreach (var id in consumer.Pending)
                {
                    c.Pending.Add(Id(id));
                }

                g.Consumers.Add(c);
            }

            result.Groups.Add(g);
        }

        return result;
    }
}
