using System.ComponentModel.DataAnnotations;

namespace Vdr.Cdc.Kafka;

/// <summary>
/// When a Kafka transaction is committed (section <c>Vdr:Cdc:Kafka:Batch</c>): whichever limit is reached first.
/// A MULTI/EXEC unit is never split, so a transaction can exceed the event and byte limits by one unit.
/// </summary>
public sealed class BatchOptions
{
    /// <summary>Events per transaction. Default 10,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxEvents { get; set; } = 10_000;

    /// <summary>Serialized bytes per transaction. Default 16 MiB.</summary>
    [Range(1024L, 1L << 40)]
    public long MaxBytes { get; set; } = 16L << 20;

    /// <summary>How long an event may wait before its transaction is committed. Default 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:07:30")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}
