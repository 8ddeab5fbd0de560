namespace Vdr.E2E;

/// <summary>What a crash-and-restart digest run did and found.</summary>
public sealed class E2EResult
{
    public int Seed { get; init; }

    public string Kafka { get; set; } = "";

    public string WorkDirectory { get; set; } = "";

    /// <summary>Connector SIGKILLs, each with the phase it was in (from its log: starting, snapshot, streaming).</summary>
    public List<string> Kills { get; } = [];

    public int SourceRestarts { get; set; }

    /// <summary>Connector exits nobody asked for (a crash or a fatal error): must stay empty.</summary>
    public List<string> UnexpectedExits { get; } = [];

    /// <summary>Other failures (a phase that did not finish in time): must stay empty.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Exit code of the connector's final graceful stop (SIGTERM): 0 expected.</summary>
    public int? ConnectorFinalExitCode { get; set; }

    public int ApplyKills { get; set; }

    /// <summary>Exit code of the last <c>vdr-cdc apply</c> (which exits by itself when idle): 0 expected.</summary>
    public int? ApplyExitCode { get; set; }

    /// <summary>apply's summary lines (events applied, duplicates skipped), as it printed them.</summary>
    public List<string> ApplySummary { get; } = [];

    /// <summary>apply's <c>total_applied</c> (events applied to the target, as stored with its position), if printed.</summary>
    public long? EventsApplied { get; set; }

    /// <summary>apply's <c>duplicates_skipped</c> total (events at or below the applied position), if printed.</summary>
    public long? DuplicatesSkipped { get; set; }

    public long WorkloadCommands { get; set; }

    public long WorkloadErrors { get; set; }

    public long SourceOffset { get; set; }

    public string SourceDigest { get; set; } = "";

    public string TargetDigest { get; set; } = "";

    public int BookkeepingKeysRemoved { get; set; }

    /// <summary>Keys that differ (all of them; printed: the first 20).</summary>
    public List<KeyDifference> Differences { get; } = [];

    /// <summary>Phase timings, in order.</summary>
    public List<(string Phase, TimeSpan Elapsed)> Timings { get; } = [];

    public bool DigestsEqual => SourceDigest.Length > 0 && SourceDigest == TargetDigest;

    /// <summary>Passed: equal digests, no key difference (expiries included), clean exits.</summary>
    public bool Passed =>
        DigestsEqual && Differences.Count == 0 && UnexpectedExits.Count == 0 && Problems.Count == 0 && ConnectorFinalExitCode == 0 && ApplyExitCode == 0;
}
