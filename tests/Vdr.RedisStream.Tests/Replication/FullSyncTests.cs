using System.Text;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

public class FullSyncTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StartReplication_FullSync_SnapshotThenCommandsWithExactOffsets(bool diskless)
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync", diskless ? "yes" : "no", "--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        for (var i = 0; i < 100; i++)
        {
            await redis.CallAsync("SET", $"k{i}", $"v{i}");
        }

        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port));
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the end of the snapshot");
        var full = Assert.IsType<FullResyncMessage>(run.Messages[0]);
        var end = run.Messages.OfType<SnapshotEndMessage>().Single();
        Assert.Equal(new ReplicationPosition(full.ReplicationId, full.Offset, 0), end.Position);
        Assert.Equal(ReplicationState.Streaming, run.Client.State);
        Assert.Equal(primary.EndPoint, run.Client.ConnectedEndpoint);
        var keys = run.Messages.OfType<SnapshotRecordMessage>().Select(r => r.Record).OfType<RdbKeyStart>().ToList();
        Assert.Equal(100, keys.Count);
        var k42 = run.Messages.OfType<SnapshotRecordMessage>().Select(r => r.Record)
            .SkipWhile(r => r is not RdbKeyStart { Key: var key } || Encoding.ASCII.GetString(key) != "k42").Skip(1).First();
        Assert.Equal("v42", Encoding.ASCII.GetString(Assert.IsType<RdbStringChunk>(k42).Bytes));
        Assert.IsType<RdbEnd>(run.Messages.OfType<SnapshotRecordMessage>().Last().Record);

        await redis.CallAsync("set", "a", "1");
        await redis.CallAsync("SELECT", "3");
        await redis.CallAsync("SET", "b", "2");
        await redis.CallAsync("multi");
        await redis.CallAsync("INCR", "x");
        await redis.CallAsync("lpush", "l", "p", "q");
        await redis.CallAsync("exec");
        await redis.CallAsync("DEL", "b");
        var offset = await redis.MasterOffsetAsync();
        await run.WaitForOffsetAsync(offset);

        Assert.Equal(offset, run.Client.Position!.Value.Offset);
        Assert.Equal(3, run.Client.Position!.Value.Db);
        Assert.Equal(["set a 1", "SET b 2", "INCR x", "lpush l p q", "DEL b"], run.CommandTexts());
        var commands = run.Commands();
        Assert.Equal([0, 3, 3, 3, 3], commands.Select(c => c.Db));
        var transaction = run.Messages.OfType<TransactionMessage>().Single();
        Assert.Equal(2, transaction.Commands.Count);
        Assert.Equal(3, transaction.Db);

        // positions chain exactly: each message starts where the previous control/data frame ended
        var data = run.Messages.Where(m => m is CommandMessage or TransactionMessage).ToList();
        var ends = data.Select(m => ReplicaRun.PositionOf(m)!.Value.Offset).ToList();
        Assert.True(ends.SequenceEqual(ends.Order()), "positions increase");
        Assert.Equal(offset, ends[^1]);
        Assert.True(transaction.StartOffset < transaction.Commands[0].StartOffset);
        Assert.Equal(transaction.Position.Offset, ends[2]);
        Assert.Null(run.Error);
    }

    [Fact]
    public async Task StartReplication_ReplicaOfReplica_SameStreamAndOffsets()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var replica = await RedisServerProcess.StartAsync(["--replicaof", "127.0.0.1", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await using var replicaClient = await RawRedis.ConnectAsync(replica.Port);
        await WaitUntilAsync(async () => await replicaClient.InfoAsync("master_link_status") == "up", "the chained replica to be up");

        await using var run = ReplicaRun.Start(ReplicaRun.Options(replica.Port));
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the end of the snapshot");
        var full = run.Messages.OfType<FullResyncMessage>().Single();
        Assert.Equal(await redis.InfoAsync("master_replid"), full.ReplicationId);

        await redis.CallAsync("SET", "chained", "yes");
        await redis.CallAsync("HSET", "h", "f", "v");
        var offset = await redis.MasterOffsetAsync();
        await run.WaitForOffsetAsync(offset);
        Assert.Equal(offset, run.Client.Position!.Value.Offset);
        Assert.Equal(["SET chained yes", "HSET h f v"], run.CommandTexts());
    }

    [Fact]
    public async Task StartReplication_LargeValuesAndMillionElementKey_ChunkedSnapshotThenWritesMadeDuringSync()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await redis.CallAsync("EVAL", "for i=1,1000000 do redis.call('RPUSH', KEYS[1], i) end", "1", "biglist");
        await redis.CallAsync("SETRANGE", "bigstring", "20000000", "x");
        var random = new string('r', 3_000_000);
        await redis.CallAsync("SET", "bigvalue", random);

        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port));
        await run.WaitForAsync(m => m.Any(x => x is FullResyncMessage), "the full resync");
        await redis.CallAsync("RPUSH", "biglist", "during-sync");
        var offset = await redis.MasterOffsetAsync();
        await run.WaitForOffsetAsync(offset, 30_000);

        var records = run.Messages.OfType<SnapshotRecordMessage>().Select(m => m.Record).ToList();
        var listEnd = records.OfType<RdbKeyEnd>().Single(e => Encoding.ASCII.GetString(e.Key) == "biglist");
        Assert.Equal(1_000_000, listEnd.ElementCount);
        var listChunks = records.OfType<RdbListChunk>().ToList();
        Assert.True(listChunks.Count > 100, "a big key arrives in many chunks");
        Assert.Equal(1_000_000, listChunks.Sum(c => c.Items.Count));
        Assert.Equal("1", Encoding.ASCII.GetString(listChunks[0].Items[0]));
        Assert.Equal("1000000", Encoding.ASCII.GetString(listChunks[^1].Items[^1]));
        var stringLengths = records.OfType<RdbStringChunk>().Where(c => c.Bytes.Length > 1000).Sum(c => (long)c.Bytes.Length);
        Assert.Equal(20_000_001L + 3_000_000L, stringLengths);
        Assert.Equal(["RPUSH biglist during-sync"], run.CommandTexts());
    }

    [Fact]
    public async Task StartReplication_SnapshotBatches_SameRecordsInBatchesBoundedByTheDecoder()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await redis.CallAsync("EVAL", "for i=1,3000 do redis.call('SET', 'k'..i, i) end for i=1,20000 do redis.call('RPUSH', 'list', i) end", "0");

        await using var single = ReplicaRun.Start(ReplicaRun.Options(primary.Port));
        await single.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the end of the first snapshot");
        await using var batched = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o => o.SnapshotBatches = true));
        await batched.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the end of the batched snapshot");

        Assert.Empty(batched.Messages.OfType<SnapshotRecordMessage>());
        var batches = batched.Messages.OfType<SnapshotBatchMessage>().ToList();
        Assert.True(batches.Count > 3000 / SnapshotDecoder.MaxRecords, $"{batches.Count} batches");
        Assert.All(batches, b => Assert.InRange(b.Records.Count, 1, SnapshotDecoder.MaxRecords));
        Assert.All(batches, b => Assert.True(b.Records.Take(b.Records.Count - 1).Sum(RdbRecordSize.Estimate) < SnapshotDecoder.MaxBatchBytes, "a batch ends once its records reach the size bound"));
        var expected = single.Messages.OfType<SnapshotRecordMessage>().Select(m => Describe(m.Record)).ToList();
        Assert.Equal(3000 + 1, expected.Count(r => r.StartsWith("RdbKeyStart", StringComparison.Ordinal)));
        Assert.Equal(expected, batches.SelectMany(b => b.Records).Select(Describe).ToList());
        Assert.Equal(single.Messages.OfType<SnapshotEndMessage>().Single().Position.ReplicationId, batched.Messages.OfType<SnapshotEndMessage>().Single().Position.ReplicationId);
    }

    /// <summary>A record's type, key and elements as text: records of two syncs compare by content.</summary>
    private static string Describe(RdbRecord record) => record switch
    {
        RdbKeyStart start => $"RdbKeyStart {Encoding.ASCII.GetString(start.Key)}",
        RdbStringChunk chunk => $"RdbStringChunk {Encoding.ASCII.GetString(chunk.Bytes)}",
        RdbListChunk chunk => $"RdbListChunk {chunk.Index} {string.Join(',', chunk.Items.Select(Encoding.ASCII.GetString))}",
        RdbKeyEnd end => $"RdbKeyEnd {Encoding.ASCII.GetString(end.Key)} {end.ElementCount}",
        _ => record.GetType().Name,
    };

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }
}
