using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Demo;

/// <summary>
/// <c>vdr-cdc demo</c> end to end as a real process (real redis-server, librdkafka's mock cluster in the child):
/// the snapshot and the sample writes come out in the <c>vdr-cdc tail</c> format, and whatever way it stops
/// (duration, SIGTERM) it leaves no redis-server and no temporary directory behind.
/// </summary>
public sealed class DemoCommandTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HardTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Demo_WithDuration_SnapshotAndSampleWritesAsTailJsonThenNothingLeft()
    {
        using var demo = DemoProcess.Start(null, "--duration", "5.5", "--write-interval", "0.5");
        var exit = await demo.WaitForExitAsync(HardTimeout);
        output.WriteLine(demo.Stderr);
        output.WriteLine(demo.StdoutText);
        Assert.True(exit == 0, $"exit {exit}:\n{demo.Stderr}");

        var events = demo.Events;
        Assert.All(events, e => Assert.StartsWith("demo.", e.GetProperty("topic").GetString(), StringComparison.Ordinal));
        var reads = events.Where(e => Op(e) == "read").ToList();
        Assert.All(reads, e => Assert.Equal("true", e.GetProperty("source").GetProperty("snapshot").GetString()));
        var greeting = Assert.Single(reads, e => Key(e) == "greeting");
        Assert.Equal("hello, world", greeting.GetProperty("value").GetString());
        Assert.True(Assert.Single(reads, e => Key(e) == "session:42").TryGetProperty("expire_at_ms", out _));
        Assert.Equal(JsonValueKind.Array, Assert.Single(reads, e => Key(e) == "leaderboard").GetProperty("value").ValueKind);
        foreach (var key in new[] { "page:views", "account:alice", "account:bob", "queue:jobs", "tags", "user:1", "flash" })
        {
            Assert.Contains(reads, e => Key(e) == key);
        }

        Assert.Contains(reads, e => Key(e) == "events");
        Assert.Contains(events, e => Op(e) == "control" && e.GetProperty("control").GetProperty("kind").GetString() == "snapshot_end");

        // Sample writes: every kind of round ran at least once in 5.5 s at 0.5 s a round.
        Assert.Contains(events, e => Op(e) == "upsert" && Key(e) == "greeting" && Command(e) == "SET");
        Assert.Contains(events, e => Op(e) == "upsert" && Key(e) == "page:views" && Command(e) == "INCR");
        Assert.Contains(events, e => Op(e) == "delete" && Key(e) == "greeting" && Command(e) == "DEL");
        Assert.Contains(events, e => Op(e) == "upsert" && Key(e) == "queue:jobs" && Command(e) == "LPUSH");
        Assert.Contains(events, e => Op(e) == "upsert" && Key(e) == "user:1" && Command(e) == "HSET");
        Assert.Contains(events, e => Op(e) == "upsert" && Command(e) == "PEXPIREAT");
        var transfer = events.Where(e => Op(e) == "upsert" && Key(e) is "account:alice" or "account:bob").ToList();
        Assert.Contains(transfer, e => Command(e) == "DECRBY");
        Assert.All(transfer, e => Assert.True(e.GetProperty("command").GetProperty("in_transaction").GetBoolean()));
        Assert.Contains("demo> MULTI; DECRBY account:alice 10; INCRBY account:bob 10; EXEC", demo.Stderr, StringComparison.Ordinal);

        AssertNothingLeft(demo);
    }

    [Fact]
    public async Task Demo_Sigterm_StopsWithExitCode0WithinSecondsAndNothingLeft()
    {
        using var demo = DemoProcess.Start(null, "--write-interval", "0.3");
        await demo.WaitForEventAsync(e => Op(e) == "upsert", HardTimeout);
        var pid = demo.RedisPid;
        Assert.True(DemoProcess.IsRedisServerAlive(pid), $"the redis-server the header names (pid {pid}) is not running:\n{demo.Stderr}");

        var signalled = DateTime.UtcNow;
        demo.Terminate();
        var exit = await demo.WaitForExitAsync(HardTimeout);
        var took = DateTime.UtcNow - signalled;
        output.WriteLine($"stopped {took.TotalMilliseconds:0} ms after SIGTERM\n{demo.Stderr}");
        Assert.True(exit == 0, $"exit {exit}:\n{demo.Stderr}");
        Assert.True(took < TimeSpan.FromSeconds(10), $"SIGTERM to exit took {took}");
        Assert.Contains("stopped after", demo.Stderr, StringComparison.Ordinal);
        AssertNothingLeft(demo);
    }

    [Fact]
    public async Task Demo_AfterADemoWasKilled_NextRunRemovesItsRedisServerAndDirectory()
    {
        int orphanPid;
        string orphanDirectory;
        using (var killed = DemoProcess.Start(null, "--no-writes"))
        {
            await killed.WaitForHeaderAsync(HardTimeout);
            orphanPid = killed.RedisPid;
            orphanDirectory = killed.RedisDirectory;
            killed.KillDemoOnly();
        }

        try
        {
            Assert.True(DemoProcess.IsRedisServerAlive(orphanPid), "the killed demo's redis-server should still run (nothing could stop it)");
            Assert.True(Directory.Exists(orphanDirectory));

            using var next = DemoProcess.Start(null, "--duration", "0.5", "--no-writes");
            var exit = await next.WaitForExitAsync(HardTimeout);
            output.WriteLine(next.Stderr);
            Assert.True(exit == 0, $"exit {exit}:\n{next.Stderr}");
            Assert.Contains($"removed what an earlier, killed demo left: redis-server pid {orphanPid} and {orphanDirectory}", next.Stderr, StringComparison.Ordinal);
            Assert.False(DemoProcess.IsRedisServerAlive(orphanPid), $"redis-server pid {orphanPid} survived");
            Assert.False(Directory.Exists(orphanDirectory));
            AssertNothingLeft(next);
        }
        finally
        {
            if (DemoProcess.IsRedisServerAlive(orphanPid))
            {
                using var orphan = System.Diagnostics.Process.GetProcessById(orphanPid);
                orphan.Kill();
                orphan.WaitForExit(5_000);
            }

            if (Directory.Exists(orphanDirectory))
            {
                Directory.Delete(orphanDirectory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Demo_NoRedisServerAndNoDocker_Exit1SayingWhatToInstall()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "redis-server");
        var environment = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };
        using var demo = DemoProcess.Start(environment, "--redis-server", missing, "--duration", "1");
        var exit = await demo.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(demo.Stderr);
        Assert.Equal(1, exit);
        Assert.Contains($"--redis-server {missing}: no such file", demo.Stderr, StringComparison.Ordinal);
        Assert.Contains("DOCKER_HOST=unix:///nonexistent/docker.sock does not answer", demo.Stderr, StringComparison.Ordinal);
        Assert.Contains("apt-get install redis-server", demo.Stderr, StringComparison.Ordinal);
        Assert.Empty(demo.StdoutText);
    }

    [Fact]
    public async Task Demo_RedisServerPathThatIsNotRedis_Exit1NamingIt()
    {
        using var demo = DemoProcess.Start(null, "--redis-server", "/bin/false", "--duration", "1");
        var exit = await demo.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(demo.Stderr);
        Assert.Equal(1, exit);
        Assert.Contains("/bin/false exited at start", demo.Stderr, StringComparison.Ordinal);
    }

    private static void AssertNothingLeft(DemoProcess demo)
    {
        var pid = demo.RedisPid;
        Assert.False(DemoProcess.IsRedisServerAlive(pid), $"redis-server pid {pid} survived the demo");
        Assert.False(Directory.Exists(demo.RedisDirectory), $"{demo.RedisDirectory} was not deleted");
        using var client = new TcpClient();
        Assert.ThrowsAny<SocketException>(() => client.Connect(IPAddress.Loopback, demo.RedisPort));
    }

    private static string? Op(JsonElement e) => e.TryGetProperty("op", out var op) ? op.GetString() : null;

    private static string? Key(JsonElement e) => e.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;

    private static string? Command(JsonElement e) => e.TryGetProperty("command", out var c) ? c.GetProperty("name").GetString() : null;
}
