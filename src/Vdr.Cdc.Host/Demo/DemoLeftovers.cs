using System.Diagnostics;
using System.Globalization;

namespace Vdr.Cdc.Host.Demo;

/// <summary>
/// What a demo that was killed outright (<c>kill -9</c>, no chance to clean up) left: its redis-server and temporary
/// directory. Each demo records "&lt;demo pid&gt; &lt;redis-server pid&gt;" in its directory; the next demo removes
/// the directories whose demo is gone, and kills their server only when <c>/proc/&lt;pid&gt;/cwd</c> proves it is the
/// one started there (a reused pid is never touched). Linux only (elsewhere there is nothing to read in /proc).
/// </summary>
internal static class DemoLeftovers
{
    public const string DirectoryPrefix = "vdr-demo-";
    private const string OwnerFile = "vdr-demo.owner";

    /// <summary>Records who owns <paramref name="directory"/>: this process, and the server it started there.</summary>
    public static void Record(string directory, int redisPid) =>
        File.WriteAllText(Path.Combine(directory, OwnerFile), $"{Environment.ProcessId} {redisPid}\n");

    /// <summary>Removes the leftovers of demos that are no longer running; returns one line per directory removed.</summary>
    public static List<string> Sweep()
    {
        var removed = new List<string>();
        if (!Directory.Exists("/proc/self"))
        {
            return removed;
        }

        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            try
            {
                var owner = Path.Combine(directory, OwnerFile);
                if (!File.Exists(owner))
                {
                    continue;
                }

                var pids = File.ReadAllText(owner).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (pids.Length != 2
                    || !int.TryParse(pids[0], NumberStyles.None, CultureInfo.InvariantCulture, out var demoPid)
                    || !int.TryParse(pids[1], NumberStyles.None, CultureInfo.InvariantCulture, out var redisPid)
                    || Directory.Exists($"/proc/{demoPid}"))
                {
                    // Not ours to judge, or its demo still runs (or its pid was reused: then it stays, to be safe).
                    continue;
                }

                var killed = KillIfRunningIn(redisPid, directory);
                Directory.Delete(directory, recursive: true);
                removed.Add(killed ? $"redis-server pid {redisPid} and {directory}" : directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Someone else's, or going away by itself: leave it.
            }
        }

        return removed;
    }

    private static bool KillIfRunningIn(int pid, string directory)
    {
        var cwd = new DirectoryInfo($"/proc/{pid}/cwd");
        if (!cwd.Exists || cwd.LinkTarget is not { } target || target != directory)
        {
            return false;
        }

        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit(5_000);
        return true;
    }
}
