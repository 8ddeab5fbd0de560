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

        // utime, stime, cutime and cstime.
        return Ticks(FieldsAfterName(File.ReadAllText(path)), first: 14, count: 4) / TicksPerSecond;
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
            if (stat.AsSpan(open + 1).StartsWith(prefix, StringComparison.Ordinal))
            {
                // A thread's utime and stime.
                ticks += Ticks(FieldsAfterName(stat), first: 14, count: 2);
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>
    /// The fields of a /proc stat line after the command name (which may hold spaces, hence the last ')'); the first
    /// of them is field 3, the state.
    /// </summary>
    private static string[] FieldsAfterName(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    /// <summary>The sum of <paramref name="count"/> fields from field number <paramref name="first"/> (numbered as in proc(5)).</summary>
    private static long Ticks(string[] fieldsAfterName, int first, int count) =>
        Enumerable.Range(first - 3, count).Sum(i => long.Parse(fieldsAfterName[i], CultureInfo.InvariantCulture));

    /// <summary>CPU seconds of this process (the connector and the in-process mock Kafka brokers).</summary>
    public static double Self() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
