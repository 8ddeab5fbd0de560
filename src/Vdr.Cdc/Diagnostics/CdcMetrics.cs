using System.Diagnostics.Metrics;

namespace Vdr.Cdc.Diagnostics;

/// <summary>The connector's meter ("Vdr.Cdc"): events, transactions, commit latency, committed offset.</summary>
public static class CdcMetrics
{
    public const string MeterName = "Vdr.Cdc";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Kafka records produced (events and tombstones), tagged by op.</summary>
    public static readonly Counter<long> Events = Meter.CreateCounter<long>("vdr.cdc.events", "{event}", "Change events produced");

    /// <summary>Kafka transactions committed.</summary>
    public static readonly Counter<long> TransactionsCommitted = Meter.CreateCounter<long>("vdr.cdc.transactions.committed", "{transaction}");

    /// <summary>Kafka transactions aborted.</summary>
    public static readonly Counter<long> TransactionsAborted = Meter.CreateCounter<long>("vdr.cdc.transactions.aborted", "{transaction}");

    /// <summary>Time from the progress record's produce to the end of CommitTransaction.</summary>
    public static readonly Histogram<double> CommitLatency = Meter.CreateHistogram<double>("vdr.cdc.commit.duration", "s");

    private static long _committedOffset;

    static CdcMetrics()
    {
        Meter.CreateObservableGauge("vdr.cdc.committed.offset", () => Interlocked.Read(ref _committedOffset), "By", "Replication offset committed to Kafka");
    }

    internal static void SetCommittedOffset(long offset) => Interlocked.Exchange(ref _committedOffset, offset);
}
