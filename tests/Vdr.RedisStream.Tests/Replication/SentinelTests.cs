using System.Diagnostics;
using System.Globalization;
using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

public class SentinelTests
{
    [Fact]
    public async Task StartReplication_ThroughSentinel_FindsThePrimary()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        var sentinelPort = FreePort.Next();
        var dir = RedisServerProcess.CreateTempDirectory();
        var config = Path.Combine(dir, "sentinel.conf");
        await File.WriteAllTextAsync(config, $"port {sentinelPort}\nbind 127.0.0.1\ndir {dir}\nsentinel monitor vdrmaster 127.0.0.1 {primary.Port} 1\n");
        // redis-server in sentinel mode (Debian ships redis-sentinel as a separate package)
        var psi = new ProcessStartInfo(RedisBinaries.Server) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(config);
        psi.ArgumentList.Add("--sentinel");
        using var sentinel = Process.Start(psi)!;
        try
        {
            var ready = false;
            for (var i = 0; i < 200 && !ready; i++)
            {
                try
                {
                    await using var probe = await RawRedis.ConnectAsync(sentinelPort);
                    ready = await probe.CallAsync("PING") is "PONG";
                }
                catch (System.Net.Sockets.SocketException)
                {
                    await Task.Delay(25);
                }
            }

            await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o =>
            {
                o.Url = "redis://sentinel-resolved.invalid:1";
                o.Sentinels.Add($"127.0.0.1:{sentinelPort.ToString(CultureInfo.InvariantCulture)}");
                o.SentinelMasterName = "vdrmaster";
            }));
            await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot via Sentinel");
            Assert.Equal(primary.EndPoint, run.Client.ConnectedEndpoint);

            // an unknown name: a clear error (retried, as a failover may be in progress)
            await using var unknown = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o =>
            {
                o.Sentinels.Add($"127.0.0.1:{sentinelPort.ToString(CultureInfo.InvariantCulture)}");
                o.SentinelMasterName = "nosuchmaster";
                o.Reconnect = false;
            }));
            await ConnectionTests.WaitFinishedAsync(unknown);
            Assert.Contains("nosuchmaster", unknown.Error!.Message, StringComparison.Ordinal);
        }
        finally
        {
            sentinel.Kill();
            await sentinel.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
