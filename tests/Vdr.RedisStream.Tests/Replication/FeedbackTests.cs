using System.Diagnostics;
using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

public class FeedbackTests
{
    [Fact]
    public async Task GetAck_WaitOnPrimary_CountsUsOnlyOnceTheWriteIsConfirmedProcessed()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o => o.AckInterval = TimeSpan.FromSeconds(5)), confirm: false);
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot");
        run.Client.SetProcessedPosition(run.Messages.OfType<SnapshotEndMessage>().Single().Position);

        await redis.CallAsync("SET", "durable", "1");
        var written = await redis.MasterOffsetAsync();
        await run.WaitForOffsetAsync(written);

        // received but not confirmed: WAIT must not count us
        Assert.Equal(0L, await redis.CallAsync("WAIT", "1", "300"));

        // confirm while a WAIT is pending: it returns 1, long before its timeout
        var stopwatch = Stopwatch.StartNew();
        await redis.SendAsync("WAIT", "1", "3000");
        await Task.Delay(200);
        var command = run.Messages.OfType<CommandMessage>().Single();
        Assert.Equal(written, command.Position.Offset);
        run.Client.SetProcessedPosition(command.Position);
        Assert.Equal(1L, await redis.ReadReplyAsync());
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"WAIT took {stopwatch.Elapsed}");
        Assert.Equal(written, run.Client.ProcessedPosition!.Value.Offset);
    }

    [Fact]
    public async Task Ack_Periodic_PrimarySeesProcessedOffset()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o => o.ListeningPort = 7777));
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot");
        await redis.CallAsync("SET", "a", "b");
        var offset = await redis.MasterOffsetAsync();
        await run.WaitForOffsetAsync(offset);
        await FullSyncTests.WaitUntilAsync(
            async () => (await redis.InfoAsync("slave0")).Contains($"offset={offset}", StringComparison.Ordinal),
            "the primary to see our ACK");
        var slave = await redis.InfoAsync("slave0");
        Assert.Contains("port=7777", slave, StringComparison.Ordinal);
        Assert.Contains("state=online", slave, StringComparison.Ordinal);
    }
}
