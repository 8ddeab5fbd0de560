using System.Globalization;
using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

public class SpoolTests
{
    [Fact]
    public async Task Spool_SlowConsumerUnderHeavyWrites_NotDisconnectedAndNothingLost()
    {
        // the primary drops a replica whose output buffer passes 8 MB: only the spool keeps us connected
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0", "--client-output-buffer-limit", "replica 8mb 8mb 0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        var spoolDir = RedisServerProcess.CreateTempDirectory();
        ReplicaRun? runRef = null;
        // The consumer stops at the first write of the workload until all of it has been written: the primary
        // must then have pushed more than its 8 MB limit, which only the spool can have absorbed, whatever the
        // machine's load (a consumer that merely sleeps can keep up with a writer slowed down by load).
        var writesDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var run = ReplicaRun.Start(
            ReplicaRun.Options(primary.Port, o =>
            {
                o.SpoolMemoryBytes = 1 << 20;
                o.SpoolDirectory = spoolDir;
                o.MessageBufferCapacity = 8;
                o.Reconnect = false;
            }),
            onMessage: async m =>
            {
                if (m is CommandMessage c && c.Args.Count > 1 && c.Args[1].AsSpan().StartsWith("key:"u8))
                {
                    await writesDone.Task;
                }
            });
        runRef = run;
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot");

        // A diskless primary starts the stream on an ACK that arrives after it has finished the transfer; an ACK
        // that beats it is ignored until the next one (AckInterval later), and meanwhile writes only pile up in the
        // primary's buffer. See one write arrive before measuring the spool.
        await redis.CallAsync("SET", "stream", "flowing");
        await run.WaitForOffsetAsync(await redis.MasterOffsetAsync(), 10_000);

        const int Count = 3000;
        var value = new string('x', 10_000);
        // Paced in 1 MB batches: a socket drain that runs keeps the primary's buffer far below its limit even
        // on a loaded machine, while the slow consumer falls more than 8 MB behind, which only the spool absorbs.
        for (var batch = 0; batch < Count; batch += 100)
        {
            for (var i = batch; i < batch + 100; i++)
            {
                await redis.SendAsync("SET", $"key:{i}", value + i.ToString(CultureInfo.InvariantCulture));
            }

            for (var i = batch; i < batch + 100; i++)
            {
                await redis.ReadReplyAsync();
            }

            await Task.Delay(5);
        }

        var offset = await redis.MasterOffsetAsync();
        var received = System.Diagnostics.Stopwatch.StartNew();
        while (runRef!.Client.PeakSpilledBytes <= 8 << 20 && received.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        var peakSpilled = runRef.Client.PeakSpilledBytes;
        writesDone.SetResult();
        try
        {
            await run.WaitForOffsetAsync(offset, 30_000);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(primary.Log, ex);
        }

        Assert.Null(run.Error);
        Assert.DoesNotContain(run.Messages, m => m is DisconnectedMessage);
        var commands = run.Commands();
        Assert.Equal(Count + 1, commands.Count);
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal($"key:{i}", System.Text.Encoding.ASCII.GetString(commands[i + 1].Args[1]));
        }

        Assert.True(peakSpilled > 8 << 20, $"the spool should have spilled more than the primary's limit, spilled {peakSpilled}");
        Directory.Delete(spoolDir, recursive: true);
    }

    [Fact]
    public async Task Spool_FileCapReached_ClearError()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        var gate = new TaskCompletionSource();
        await using var run = ReplicaRun.Start(
            ReplicaRun.Options(primary.Port, o =>
            {
                o.SpoolMemoryBytes = 256 << 10;
                o.SpoolMaxBytes = 1 << 20;
                o.MessageBufferCapacity = 1;
                o.Reconnect = false;
            }),
            onMessage: m => m is CommandMessage ? gate.Task : Task.CompletedTask);
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot");
        var value = new string('y', 50_000);
        for (var i = 0; i < 100; i++)
        {
            await redis.SendAsync("SET", $"k{i}", value);
        }

        for (var i = 0; i < 100; i++)
        {
            await redis.ReadReplyAsync();
        }

        await FullSyncTests.WaitUntilAsync(() => Task.FromResult(run.Client.SpooledBytes > (1 << 20) || run.Client.State != ReplicationState.Streaming), "the spool to fill");
        gate.SetResult();
        await ConnectionTests.WaitFinishedAsync(run, 10_000);
        var ex = Assert.IsType<Vdr.RedisStream.Transport.SpoolFullException>(run.Error);
        Assert.Contains("SpoolMaxBytes", ex.Message, StringComparison.Ordinal);
    }
}
