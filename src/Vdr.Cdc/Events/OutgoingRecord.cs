using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events;

/// <summary>
/// One Kafka record to produce: a change event (or a tombstone when <see cref="Event"/> is null) for
/// <see cref="Topic"/>, keyed by <see cref="Key"/>. Database-wide events (<see cref="AllPartitions"/>) are written
/// once to every partition of the topic.
/// </summary>
public sealed record OutgoingRecord(string Topic, byte[]? Key, ChangeEvent? Event, bool AllPartitions)
{
    public bool IsTombstone => Event is null;
}
