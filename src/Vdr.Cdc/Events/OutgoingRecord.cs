using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events;

/// <summary>
/// One Kafka record to produce, keyed by <see cref="Key"/>: a change event, a snapshot READ event kept in its
/// direct form (<see cref="SnapshotRead"/>), or a tombstone when it has neither. Database-wide events
/// (<see cref="AllPartitions"/>) are written once to every partition of the topic.
/// </summary>
public sealed class OutgoingRecord
{
    private ChangeEvent? _event;

    public OutgoingRecord(string topic, byte[]? key, ChangeEvent? change, bool allPartitions)
    {
        Topic = topic;
        Key = key;
        _event = change;
        AllPartitions = allPartitions;
    }

    public OutgoingRecord(string topic, byte[] key, SnapshotReadEvent read)
    {
        Topic = topic;
        Key = key;
        SnapshotRead = read;
    }

    public string Topic { get; }

    public byte[]? Key { get; }

    public bool AllPartitions { get; }

    /// <summary>A snapshot READ event written straight to its bytes (the sink's fast path).</summary>
    public SnapshotReadEvent? SnapshotRead { get; }

    /// <summary>The event; a <see cref="SnapshotRead"/> is read back from its bytes on first use.</summary>
    public ChangeEvent? Event => _event ??= SnapshotRead?.ToChangeEvent();

    /// <summary>The event's op without building the event (null for a tombstone).</summary>
    public Op? Op => SnapshotRead is not null ? V1.Op.Read : _event?.Op;

    public bool IsTombstone => _event is null && SnapshotRead is null;
}
