namespace Vdr.E2E;

/// <summary>What one crash-and-restart digest run does (the flags of <c>tests/e2e/crash-restart.sh</c>).</summary>
public sealed class E2EOptions
{
    /// <summary>Seeds the dataset, the workload and the kill schedule (each from its own <see cref="Random"/>).</summary>
    public int Seed { get; set; } = 20261126;

    /// <summary>How long the write workload runs.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Minimum number of connector SIGKILLs (more happen when the workload outlasts them).</summary>
    public int Kills { get; set; } = 6;

    /// <summary>Workload commands per second (upper bound).</summary>
    public int Rate { get; set; } = 400;

    /// <summary>
    /// Elements of the big list and hash (the big set and sorted set get a quarter). Default 200,000 with a real
    /// broker, 30,000 with the mock cluster: librdkafka's mock keeps at most 5 MB per partition and deletes older
    /// records beyond that, and every full resync of the run writes the whole dataset again.
    /// </summary>
    public int? BigElements { get; set; }

    /// <summary>Size of the big string (several snapshot parts). Default 5 MB with a real broker, 600 kB with the mock cluster.</summary>
    public int? BigStringBytes { get; set; }

    /// <summary>Seconds without new records after which <c>vdr-cdc apply</c> exits.</summary>
    public int ApplyIdleSeconds { get; set; } = 3;

    /// <summary>Skip <c>vdr-cdc apply</c> (check the connector side only: <c>vdr-cdc tail</c> counts the events); the run cannot pass.</summary>
    public bool SkipApply { get; set; }

    /// <summary>Keep the work directory (logs, dumps) even when the run passes.</summary>
    public bool Keep { get; set; }

    /// <summary>The <c>vdr-cdc</c> executable or <c>vdr-cdc.dll</c>; default: the one next to this assembly.</summary>
    public string? VdrCdc { get; set; }

    /// <summary>Parent of the work directory; default the system temp directory.</summary>
    public string? WorkRoot { get; set; }

    /// <summary>Keys of apply's own bookkeeping in the target, removed before the digest (a glob, every database).</summary>
    public string ApplyBookkeepingPattern { get; set; } = "vdr-cdc:apply:*";

    /// <summary>Upper bound of the whole run; everything is killed after it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    public string ResolveVdrCdc()
    {
        if (!string.IsNullOrEmpty(VdrCdc))
        {
            return Path.GetFullPath(VdrCdc);
        }

        var dll = Path.Combine(AppContext.BaseDirectory, "vdr-cdc.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"vdr-cdc.dll is not next to the harness ({AppContext.BaseDirectory}); pass --vdr-cdc <path>");
    }
}
