using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

public class ResyncTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    public async Task Reconnect_AfterClientKill_PartialResyncWithoutDuplicateOrGap(int confirmLag)
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port), confirmLag: confirmLag);
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the end of the snapshot");

        var expected = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            await redis.CallAsync("INCR", "counter");
            await redis.CallAsync("SELECT", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await redis.CallAsync("RPUSH", "list", $"item{i}");
            expected.Add("INCR counter");
            expected.Add($"RPUSH list item{i}");
        }

        await run.WaitForOffsetAsync(await redis.MasterOffsetAsync());
        var deliveredBeforeKill = run.Client.Position!.Value.Offset;
        var processedBeforeKill = run.Client.ProcessedPosition!.Value.Offset;
        Assert.Equal(1L, await redis.CallAsync("CLIENT", "KILL", "TYPE", "replica"));

        for (var i = 150; i < 300; i++)
        {
            await redis.CallAsync("INCR", "counter");
            await redis.CallAsync("SELECT", (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await redis.CallAsync("RPUSH", "list", $"item{i}");
            expected.Add("INCR counter");
            expected.Add($"RPUSH list item{i}");
        }

        var offset = await redis.MasterOffsetAsync();
        await run.WaitForOffsetAsync(offset);
        await run.WaitForAsync(m => m.OfType<ContinueMessage>().Any(), "the partial resync");

        Assert.Equal(expected, run.CommandTexts());
        Assert.Single(run.Messages.OfType<FullResyncMessage>());
        var resumed = run.Messages.OfType<ContinueMessage>().Single();
        Assert.Contains(run.Messages, m => m is DisconnectedMessage);
        Assert.Equal(processedBeforeKill, resumed.Offset);
        if (confirmLag > 0)
        {
            Assert.True(resumed.Offset < deliveredBeforeKill, "the resume must re-request received but unprocessed commands");
        }

        // the db survives the resume, and every command's db is the one it was run in
        var commands = run.Commands();
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(i == 0 ? 0 : (i - 1) % 3, commands[2 * i].Db);
            Assert.Equal(i % 3, commands[(2 * i) + 1].Db);
        }

        Assert.Equal(offset, run.Client.Position!.Value.Offset);
    }

    [Fact]
    public async Task Reconnect_ServerRestartedWithNewReplicationId_FallsBackToFullSync()
    {
        var port = FreePort.Next();
        var first = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"], port: port);
        await using var run = ReplicaRun.Start(ReplicaRun.Options(port));
        string firstId;
        await using (var redis = await RawRedis.ConnectAsync(port))
        {
            await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the first snapshot");
            await redis.CallAsync("SET", "before", "restart");
            await run.WaitForOffsetAsync(await redis.MasterOffsetAsync());
            firstId = run.Client.ReplicationId!;
        }

        await first.DisposeAsync();
        await using var second = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"], port: port);
        await using var redis2 = await RawRedis.ConnectAsync(port);
        await run.WaitForAsync(m => m.OfType<SnapshotEndMessage>().Count() == 2, "the second snapshot", 15_000);
        await redis2.CallAsync("SET", "after", "restart");
        // (offsets of the new history are lower than the old one's: wait for the command itself)
        await run.WaitForAsync(_ => run.CommandTexts().Count == 2, "the command after the restart");

        var resyncs = run.Messages.OfType<FullResyncMessage>().ToList();
        Assert.Equal(2, resyncs.Count);
        Assert.Equal(firstId, resyncs[0].ReplicationId);
        Assert.NotEqual(firstId, resyncs[1].ReplicationId);
        Assert.Equal(await redis2.InfoAsync("master_replid"), run.Client.ReplicationId);
        Assert.Equal(["SET before restart", "SET after restart"], run.CommandTexts());
        Assert.Contains(run.Messages, m => m is DisconnectedMessage);
    }
}
