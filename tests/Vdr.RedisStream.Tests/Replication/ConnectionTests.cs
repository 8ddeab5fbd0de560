using System.Diagnostics;
using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

public class ConnectionTests
{
    [Fact]
    public async Task StartReplication_WrongPassword_AuthenticationErrorAtOnceWithoutRetry()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--requirepass", "s3cret"]);
        var stopwatch = Stopwatch.StartNew();
        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o => o.Password = "wrong"));
        await WaitFinishedAsync(run);
        var ex = Assert.IsType<RedisAuthenticationException>(run.Error);
        Assert.False(ex.IsTransient);
        Assert.DoesNotContain("wrong", ex.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
        Assert.DoesNotContain(run.Messages, m => m is DisconnectedMessage);
        Assert.Equal(ReplicationState.Stopped, run.Client.State);
    }

    [Fact]
    public async Task StartReplication_NoPasswordForProtectedServer_AuthenticationError()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--requirepass", "s3cret"]);
        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port));
        await WaitFinishedAsync(run);
        Assert.IsType<RedisAuthenticationException>(run.Error);
    }

    [Fact]
    public async Task StartReplication_AclUserWithReplicaPermissionsOnly_Replicates()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var admin = await RawRedis.ConnectAsync(primary.Port);
        await admin.CallAsync("ACL", "SETUSER", "replicator", "on", ">repl-pw", "-@all", "+psync", "+replconf", "+ping");
        await admin.CallAsync("ACL", "SETUSER", "reader", "on", ">read-pw", "-@all", "+ping", "+get");

        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o => o.Url = $"redis://replicator:repl-pw@127.0.0.1:{primary.Port}"));
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot");
        await admin.CallAsync("SET", "acl", "ok");
        await run.WaitForOffsetAsync(await admin.MasterOffsetAsync());
        Assert.Equal(["SET acl ok"], run.CommandTexts());

        // a user without +psync/+replconf is refused with a clear, final error
        await using var denied = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o =>
        {
            o.Username = "reader";
            o.Password = "read-pw";
        }));
        await WaitFinishedAsync(denied);
        var ex = Assert.IsType<RedisAuthenticationException>(denied.Error);
        Assert.Contains("NOPERM", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartReplication_NothingListening_NoReconnect_FailsWithinConnectTimeout()
    {
        const int port = 1; // nothing listens there
        var stopwatch = Stopwatch.StartNew();
        await using var run = ReplicaRun.Start(ReplicaRun.Options(port, o => o.Reconnect = false));
        await WaitFinishedAsync(run);
        var ex = Assert.IsType<RedisReplicationException>(run.Error);
        Assert.True(ex.IsTransient);
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3.5), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task StartReplication_UnroutableHost_NoReconnect_FailsWithinConnectTimeout()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var run = ReplicaRun.Start(ReplicaRun.Options(6390, o =>
        {
            o.Url = "redis://10.255.255.1:6390";
            o.ConnectTimeout = TimeSpan.FromMilliseconds(700);
            o.Reconnect = false;
        }));
        await WaitFinishedAsync(run);
        Assert.IsType<RedisReplicationException>(run.Error);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task StartReplication_NothingListening_Reconnect_DisconnectedMessagesWithBackoffThenConnects()
    {
        var port = FreePort.Next();
        await using var run = ReplicaRun.Start(ReplicaRun.Options(port, o =>
        {
            o.ReconnectInitialDelay = TimeSpan.FromMilliseconds(50);
            o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(400);
        }));
        await run.WaitForAsync(m => m.OfType<DisconnectedMessage>().Count() >= 5, "five reconnect attempts");
        var delays = run.Messages.OfType<DisconnectedMessage>().Select(d => d.RetryIn).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(400)));
        Assert.True(delays[3] > delays[0], $"backoff grows: {string.Join(", ", delays)}");
        Assert.Contains("127.0.0.1", delays.Count > 0 ? run.Messages.OfType<DisconnectedMessage>().First().Reason : string.Empty, StringComparison.Ordinal);
        Assert.True(run.Client.State is ReplicationState.Disconnected or ReplicationState.Connecting);

        // the server comes up: the client connects and syncs
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"], port: port);
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot once the server is up");
    }

    internal static async Task WaitFinishedAsync(ReplicaRun run, int timeoutMs = 5_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!run.Finished)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"replication did not stop; state {run.Client.State}");
            }

            await Task.Delay(10);
        }
    }
}
