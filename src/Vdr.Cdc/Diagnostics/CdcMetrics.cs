using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Diagnostics;

/// <summary>
/// The connector's meter ("Vdr.Cdc"). Counters and the commit latency histogram are recorded by the pipeline; the
/// gauges observe every running connector's <see cref="CdcTelemetry"/> (tag <c>connector</c>). Prometheus names
/// (OpenTelemetry exporter) in brackets.
/// </summary>
public static class CdcMetrics
{
    public const string MeterName = "Vdr.Cdc";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<CdcTelemetry, byte> Running = new();
    private static readonly ReplicationState[] States = Enum.GetValues<ReplicationState>();

    /// <summary>Kafka records produced (events and tombstones), tagged by op and topic [vdr_cdc_events_total].</summary>
    public static readonly Counter<long> Events = Meter.CreateCounter<long>("vdr.cdc.events", "{event}", "Change events produced to Kafka, by op and topic");

    /// <summary>Kafka transactions committed [vdr_cdc_transactions_committed_total].</summary>
    public static readonly Counter<long> TransactionsCommitted = Meter.CreateCounter<long>("vdr.cdc.transactions.committed", "{transaction}", "Kafka transactions committed");

    /// <summary>Kafka transactions aborted [vdr_cdc_transactions_aborted_total].</summary>
    public static readonly Counter<long> TransactionsAborted = Meter.CreateCounter<long>("vdr.cdc.transactions.aborted", "{transaction}", "Kafka transactions aborted (then replayed from the last committed position)");

    /// <summary>Time from the progress record's produce to the end of CommitTransaction [vdr_cdc_commit_duration_seconds].</summary>
    public static readonly Histogram<double> CommitLatency = Meter.CreateHistogram<double>(
        "vdr.cdc.commit.duration",
        "s",
        "Kafka commit latency (progress record produce to CommitTransaction done)",
        tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    static CdcMetrics()
    {
        Gauge("vdr.cdc.committed.offset", "By", "Replication offset committed to Kafka", t => t.CommittedOffset is var o and >= 0 ? o : null);
        Gauge("vdr.cdc.primary.offset", "By", "The primary's master_repl_offset (INFO replication) at the last poll", t => t.PrimaryOffset is var o and >= 0 ? o : null);
        Gauge("vdr.cdc.replication.lag", "By", "Primary offset minus committed offset", t => t.LagBytes);
        Meter.CreateObservableGauge(
            "vdr.cdc.heartbeat.lag",
            () => Observe(t => t.HeartbeatLagMs),
            "ms",
            "Heartbeat lag: commit time minus the time the heartbeat key was written (needs Management:Heartbeat:Enabled)");
        Gauge("vdr.cdc.snapshot.read", "By", "Snapshot payload bytes read (current or last snapshot)", t => t.Started ? t.SnapshotProgress.BytesRead : null);
        Gauge("vdr.cdc.snapshot.size", "By", "Snapshot payload size (announced by a disk-based transfer; known at the end of a diskless one)", t => t.Started && t.SnapshotProgress.BytesTotal is var b and >= 0 ? b : null);
        Gauge("vdr.cdc.snapshot.keys", "{key}", "Snapshot keys read (current or last snapshot)", t => t.Started ? t.SnapshotProgress.Keys : null);
        Gauge("vdr.cdc.snapshot.keys.expected", "{key}", "Keys the primary reported (INFO keyspace) when the snapshot started", t => t.ExpectedSnapshotKeys is var k and >= 0 ? k : null);
        Gauge("vdr.cdc.snapshot.active", "1", "1 while a snapshot is transferred", t => t.SnapshotProgress.InProgress ? 1 : 0);
        Gauge("vdr.cdc.spool.usage", "By", "Bytes received from Redis and not yet decoded (memory and spill file)", t => t.SpooledBytes);
        Gauge("vdr.cdc.spool.spilled.peak", "By", "Largest spill file size on the current connection", t => t.PeakSpilledBytes);
        Meter.CreateObservableGauge("vdr.cdc.replication.state", ObserveStates, "1", "1 for the replication link's current state, 0 for the others");
    }

    /// <summary>Publishes <paramref name="telemetry"/> through the gauges until the returned handle is disposed.</summary>
    public static IDisposable Register(CdcTelemetry telemetry)
    {
        // Counters exist (at 0) from the start, so a dashboard or alert sees "no aborts" instead of no series.
        TransactionsCommitted.Add(0);
        TransactionsAborted.Add(0);
        Running[telemetry] = 0;
        return new Registration(telemetry);
    }

    private static void Gauge(string name, string unit, string description, Func<CdcTelemetry, long?> value) =>
        Meter.CreateObservableGauge(name, () => Observe(value), unit, description);

    private static IEnumerable<Measurement<T>> Observe<T>(Func<CdcTelemetry, T?> value)
        where T : struct
    {
        foreach (var telemetry in Running.Keys)
        {
            if (value(telemetry) is { } v)
            {
                yield return new Measurement<T>(v, new KeyValuePair<string, object?>("connector", telemetry.Connector));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveStates()
    {
        foreach (var telemetry in Running.Keys)
        {
            var current = telemetry.ReplicationState;
            foreach (var state in States)
            {
                yield return new Measurement<int>(
                    state == current ? 1 : 0,
                    new KeyValuePair<string, object?>("connector", telemetry.Connector),
                    new KeyValuePair<string, object?>("state", state.ToString()));
            }
        }
    }

    private sealed class Registration(CdcTelemetry telemetry) : IDisposable
    {
        public void Dispose() => Running.TryRemove(telemetry, out _);
    }
}
