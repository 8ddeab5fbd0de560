using System.Globalization;

namespace Vdr.Bench;

/// <summary>CPU time of processes on Linux, for the CPU budget lines of the snapshot benchmarks.</summary>
internal static class ProcessCpu
{
    /// <summary>Linux reports /proc times in USER_HZ, which is 100 on every mainstream architecture.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>
    /// CPU seconds process <paramref name="pid"/> used, user and system, its reaped children included (a Redis
    /// primary's RDB child counts once the primary has reaped it); 0 where /proc is missing.
    /// </summary>
    public static double Seconds(int pid)
    {
        var path = $"/proc/{pid}/stat";
        if (!File.Exists(path))
        {
            return 0;
        }

        // Fields after the command name (which may hold spaces, hence the last ')'): state is field 3, so
        // utime, stime, cutime and cstime (fields 14-17) are at 11-14.
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return ticks / TicksPerSecond;
    }

    /// <summary>CPU seconds of this process (the connector and the in-process mock Kafka brokers).</summary>
    public static double Self() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
