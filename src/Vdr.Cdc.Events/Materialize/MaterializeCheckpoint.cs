using Vdr.Cdc.Events.Consuming;

namespace Vdr.Cdc.Events.Materialize;

/// <summary>
/// What a target stores atomically with the writes it covers: every event at or below <see cref="Applied"/> is in the
/// target; reading resumes at <see cref="NextOffsets"/> (partitions not listed: from their beginning). Events re-read
/// after a restart, or produced again by a connector that rewound (same positions), are skipped as duplicates.
/// </summary>
public sealed class MaterializeCheckpoint
{
    /// <summary>The highest position applied (null: nothing yet).</summary>
    public EventPosition? Applied { get; set; }

    /// <summary>The next Kafka offset to read, per partition.</summary>
    public Dictionary<PartitionId, long> NextOffsets { get; } = [];

    /// <summary>Events applied since the target was first written (informative).</summary>
    public long EventsApplied { get; set; }

    /// <summary>Events skipped as duplicates or copies of an applied command (informative).</summary>
    public long DuplicatesSkipped { get; set; }

    public MaterializeCheckpoint Clone()
    {
        var copy = new MaterializeCheckpoint { Applied = Applied, EventsApplied = EventsApplied, DuplicatesSkipped = DuplicatesSkipped };
        foreach (var (partition, offset) in NextOffsets)
        {
            copy.NextOffsets[partition] = offset;
        }

        return copy;
    }
}
