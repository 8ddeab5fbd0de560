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

    /// <summary>
    /// CPU seconds, user and system, of this process's live threads whose name starts with <paramref name="prefix"/>
    /// (librdkafka names the mock cluster's thread <c>rdk:mock</c>); 0 where /proc is missing.
    /// </summary>
    public static double ThreadSeconds(string prefix)
    {
        long ticks = 0;
        if (!Directory.Exists("/proc/self/task"))
        {
            return 0;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // The thread ended.
            }

            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            if (!stat.AsSpan(open + 1, close - open - 1).StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            // A thread's utime and stime are fields 14 and 15, at 11 and 12 after the state (field 3).
            var fields = stat[(close + 2)..].Split(' ');
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>CPU seconds of this process (the connector and the in-process mock Kafka brokers).</summary>
    public static double Self() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
