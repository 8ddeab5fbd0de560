using Vdr.Cdc.Events.Framing;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events.Consuming;

/// <summary>
/// A Kafka record of a connector's data topic, decoded: a change event with its position, or a tombstone
/// (<see cref="Event"/> null). Built by <see cref="ChangeEventDecoder"/>.
/// </summary>
public sealed class DecodedRecord
{
    public DecodedRecord(RecordLocation location, byte[]? key, ChangeEvent? changeEvent, ValueFraming framing, int? schemaId = null, byte[]? value = null)
    {
        Location = location;
        Value = value;
        Key = key;
        Event = changeEvent;
        Framing = framing;
        SchemaId = schemaId;
        Position = changeEvent?.Source is { } source ? EventPosition.Of(source) : default;
    }

    public RecordLocation Location { get; }

    /// <summary>The Kafka record key (the Redis key; null for database-wide events).</summary>
    public byte[]? Key { get; }

    /// <summary>The record value as read (when the decoder was given an array), e.g. to dead-letter it unchanged.</summary>
    public byte[]? Value { get; }

    /// <summary>The change event; null for a tombstone.</summary>
    public ChangeEvent? Event { get; }

    public ValueFraming Framing { get; }

    /// <summary>The Schema Registry schema id, with <see cref="ValueFraming.SchemaRegistry"/> framing.</summary>
    public int? SchemaId { get; }

    /// <summary>The event's position (default for tombstones).</summary>
    public EventPosition Position { get; }

    public bool IsTombstone => Event is null;

    /// <summary>A CONTROL commit marker (see <c>CONTROL_KIND_COMMIT</c>): not data, it orders the partitions.</summary>
    public bool IsCommitMarker => Event is { Op: Op.Control, Control.Kind: ControlKind.Commit };
}
