namespace Vdr.Testing;

/// <summary>Locates the redis-server family of binaries (Debian installs them in /usr/bin).</summary>
public static class RedisBinaries
{
    public static string Server => Find("redis-server");

    public static string Sentinel => Find("redis-sentinel");

    public static string CheckRdb => Find("redis-check-rdb");

    public static string Benchmark => Find("redis-benchmark");

    public static string Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' was not found on PATH. Install it (Debian: apt-get install redis-server) or run tests/run.sh, which installs it.");
    }
}
