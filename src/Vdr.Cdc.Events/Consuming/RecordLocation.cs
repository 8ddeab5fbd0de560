using System.Globalization;

namespace Vdr.Cdc.Events.Consuming;

/// <summary>Where a Kafka record was read: topic, partition, offset (what every error about a record names).</summary>
public readonly record struct RecordLocation(string Topic, int Partition, long Offset)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"topic {Topic} partition {Partition} offset {Offset}");
}
