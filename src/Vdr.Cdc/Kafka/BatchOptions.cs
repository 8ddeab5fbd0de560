using System.ComponentModel.DataAnnotations;

namespace Vdr.Cdc.Kafka;

/// <summary>
/// When a Kafka transaction is committed (section <c>Vdr:Cdc:Kafka:Batch</c>): whichever limit is reached first.
/// A MULTI/EXEC unit is never split, so a transaction can exceed the event and byte limits by one unit.
/// </summary>
/// <remarks>
/// The defaults (10,000 events / 100 ms) come from the streaming benchmark
/// (<c>dotnet run -c Release --project tests/Vdr.Bench -- snapshot-kafka 1000000 10 3</c>: <c>redis-benchmark -P 16</c>
/// load, mock Kafka cluster, 2 cores, 2026-11-26): 1,000 / 10 ms committed too often to keep up (40k events/s, lag
/// growing past 5 s median); 10,000 / 100 ms gave the highest rate and the lowest lag (153k events/s, end-to-end lag
/// p50 296 ms, p99 687 ms); 50,000 / 500 ms was no faster (119k events/s) with more lag (p50 347 ms, p99 793 ms).
/// </remarks>
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
