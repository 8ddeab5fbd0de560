using System.ComponentModel.DataAnnotations;

namespace Vdr.Cdc.Kafka;

/// <summary>
/// When a Kafka transaction is committed (section <c>Vdr:Cdc:Kafka:Batch</c>): whichever limit is reached first.
/// A MULTI/EXEC unit is never split, so a transaction can exceed the event and byte limits by one unit. While a
/// snapshot is read, <see cref="SnapshotMaxEvents"/>, <see cref="SnapshotMaxBytes"/> and <see cref="SnapshotMaxDelay"/>
/// replace the stream's <see cref="MaxEvents"/>, <see cref="MaxBytes"/> and <see cref="MaxDelay"/>.
/// </summary>
/// <remarks>
/// The defaults (50,000 events / 100 ms) come from the streaming benchmark
/// (<c>dotnet run -c Release --project tests/Vdr.Bench -- snapshot-kafka 10000 10 1</c>: <c>redis-benchmark -P 16</c>
/// load, mock Kafka cluster, 2 cores, 2026-11-27, four runs): 1,000 / 10 ms commits too often to keep up (41k events/s,
/// lag p50 27-35 s); 10,000 / 100 ms falls behind once the load passes ~200k events/s (196-201k events/s, lag p50
/// 1.2-1.4 s) because a commit every 50 ms spends most of the time flushing; 50,000 / 100 ms kept up with the lowest
/// lag (206-244k events/s, lag p50 101-295 ms, p99 178-1,072 ms); 50,000 / 500 ms was no faster (200-239k events/s)
/// with more lag (p50 138-847 ms). A quiet stream is committed after <see cref="MaxDelay"/> either way.
/// </remarks>
public sealed class BatchOptions
{
    /// <summary>Events per transaction. Default 50,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxEvents { get; set; } = 50_000;

    /// <summary>
    /// Serialized bytes per transaction. Default 64 MiB: each commit stalls the pipeline for a flush and an EndTxn, and
    /// with 16 MiB a snapshot of ~700-byte keys spent ~9 % of its time committing (snapshot-kafka benchmark).
    /// </summary>
    [Range(1024L, 1L << 40)]
    public long MaxBytes { get; set; } = 64L << 20;

    /// <summary>How long an event may wait before its transaction is committed. Default 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:07:30")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Events per transaction while a snapshot is read. Default 1,000,000. A snapshot gains nothing from small
    /// transactions (an interrupted one starts over), and every commit stalls the pipeline for a flush and an EndTxn:
    /// with the stream's 100 ms a 500k-key snapshot committed ~28 times (0.6 s), with 1M events / 5 s 4 times (0.1 s).
    /// </summary>
    [Range(1, 100_000_000)]
    public int SnapshotMaxEvents { get; set; } = 1_000_000;

    /// <summary>
    /// Serialized bytes per transaction while a snapshot is read. Default 256 MiB: with the stream's 64 MiB a snapshot
    /// of 1M ~700-byte keys committed 15-16 times; records are not kept once Kafka has them, so a bigger transaction
    /// costs no memory here.
    /// </summary>
    [Range(1024L, 1L << 40)]
    public long SnapshotMaxBytes { get; set; } = 256L << 20;

    /// <summary>How long a snapshot event may wait before its transaction is committed. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:07:30")]
    public TimeSpan SnapshotMaxDelay { get; set; } = TimeSpan.FromSeconds(5);
}
