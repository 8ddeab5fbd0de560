using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Pipeline;

/// <summary>The connector end to end: a real redis-server, the replication client, Kafka (mock or VDR_TEST_KAFKA).</summary>
public sealed class RedisToKafkaTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _kafka = new();
    private readonly ITestOutputHelper _output;
    private RedisServerProcess _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public RedisToKafkaTests(ITestOutputHelper output)
    {
        _output = output;
        output.WriteLine("Kafka: " + _kafka.Description);
    }

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.EndPoint + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
        _kafka.Dispose();
    }

    [Fact]
    public async Task RunAsync_SnapshotThenCommands_EveryChangeIsInKafka()
    {
        var db = _connection.GetDatabase();
        await db.StringSetAsync("s", "v", TimeSpan.FromHours(1));
        await db.ListRightPushAsync("l", ["a", "b"]);
        await db.HashSetAsync("h", [new HashEntry("f", "1")]);
        await db.SortedSetAddAsync("z", "m", 1.5);
        await db.SetAddAsync("set", "x");
        await db.StreamAddAsync("st", "f", "v");
        var (options, connector, run, cts) = Start(maxDelay: TimeSpan.FromMilliseconds(50));
        await WaitCommittedAsync(connector, 0);

        await db.StringSetAsync("k1", "1");
        await db.KeyDeleteAsync(["l", "s"]);
        var tran = db.CreateTransaction();
        _ = tran.StringIncrementAsync("c");
        _ = tran.StringIncrementAsync("c");
        await tran.ExecuteAsync();
        await db.KeyRenameAsync("h", "h2");
        await db.ExecuteAsync("SELECT", 2);
        await _connection.GetDatabase(2).StringSetAsync("in2", "x");
        await _connection.GetDatabase(2).ExecuteAsync("FLUSHDB");
        await WaitCommittedAsync(connector, MasterOffset());
        await cts.CancelAsync();
        await run.WaitAsync(Timeout);

        var events = _kafka.ReadAll([options.Kafka.TopicPrefix + ".db0"]).Where(r => r.Message.Value is not null)
            .Select(r => ChangeEvent.Parser.ParseFrom(r.Message.Value)).ToList();
        var reads = events.Where(e => e.Op == Op.Read && e.LastChunk).ToDictionary(e => e.Key.ToStringUtf8());
        Assert.Equal(["h", "l", "s", "set", "st", "z"], reads.Keys.Order());
        Assert.Equal(1ul, reads["st"].StreamValue.Metadata.Length);
        Assert.Contains(events, e => e.Op == Op.Read && e.Key.ToStringUtf8() == "st" && !e.LastChunk && e.StreamValue.Entries.Count == 1);
        Assert.Equal("v", reads["s"].StringValue.Data.ToStringUtf8());
        Assert.True(reads["s"].HasExpireAtMs);
        Assert.Equal(1.5, reads["z"].SortedSetValue.Members[0].Score);
        Assert.Contains(events, e => e.Op == Op.Upsert && e.Key.ToStringUtf8() == "k1" && e.Command.Name == "SET");
        Assert.Equal(["l", "s"], events.Where(e => e.Op == Op.Delete && e.Command.Name is "DEL" or "UNLINK").Select(e => e.Key.ToStringUtf8()).Order());
        Assert.Equal(2, events.Count(e => e.Command?.Name == "INCR" && e.Command.InTransaction));
        Assert.Contains(events, e => e.Op == Op.Delete && e.Command.Name == "RENAME" && e.Key.ToStringUtf8() == "h");
        Assert.Contains(events, e => e.Op == Op.Upsert && e.Command.Name == "RENAME" && e.Key.ToStringUtf8() == "h2");
        var db2 = _kafka.ReadAll([options.Kafka.TopicPrefix + ".db2"]).Select(r => ChangeEvent.Parser.ParseFrom(r.Message.Value)).ToList();
        Assert.Contains(db2, e => e.Op == Op.Upsert && e.Key.ToStringUtf8() == "in2" && e.Source.Db == 2);
        Assert.Equal(4, db2.Count(e => e.Op == Op.Truncate));
    }

    [Fact]
    public async Task Wait_OnThePrimary_ReturnsOneOnlyAfterTheWriteIsCommittedToKafka()
    {
        var (_, connector, run, cts) = Start(maxDelay: TimeSpan.FromMilliseconds(1500));
        var db = _connection.GetDatabase();
        await WaitCommittedAsync(connector, MasterOffset());

        await db.StringSetAsync("durable", "1");
        var writeOffset = MasterOffset();
        long committedAt = 0;
        connector.Committed += p =>
        {
            if (p.Offset >= writeOffset)
            {
                Interlocked.CompareExchange(ref committedAt, Stopwatch.GetTimestamp(), 0);
            }
        };

        // Not yet committed (the batch waits up to 1.5 s): WAIT times out with 0 replicas.
        Assert.Equal(0, (int)await db.ExecuteAsync("WAIT", 1, 200));
        Assert.Equal(1, (int)await db.ExecuteAsync("WAIT", 1, 10_000));
        var returnedAt = Stopwatch.GetTimestamp();
        Assert.NotEqual(0, Interlocked.Read(ref committedAt));
        Assert.True(Interlocked.Read(ref committedAt) <= returnedAt, "WAIT returned before the commit");
        await cts.CancelAsync();
        await run.WaitAsync(Timeout);
    }

    private (CdcOptions Options, RedisCdcConnector Connector, Task Run, CancellationTokenSource Cts) Start(TimeSpan maxDelay)
    {
        var prefix = "r" + Guid.NewGuid().ToString("N")[..10];
        var kafka = _kafka.NewOptions(prefix);
        kafka.Batch = new BatchOptions { MaxDelay = maxDelay, SnapshotMaxDelay = maxDelay };
        var options = new CdcOptions
        {
            Name = prefix + "-connector",
            Redis = new RedisSourceOptions { Url = $"redis://{_redis.EndPoint}", AckInterval = TimeSpan.FromMilliseconds(100) },
            Kafka = kafka,
        };
        var connector = new RedisCdcConnector(Options.Create(options), new TestOutputLoggerFactory(_output));
        var cts = new CancellationTokenSource(Timeout);
        return (options, connector, connector.RunAsync(cts.Token), cts);
    }

    private long MasterOffset()
    {
        var info = _connection.GetServer(_redis.EndPoint).Info("replication").SelectMany(g => g).First(p => p.Key == "master_repl_offset");
        return long.Parse(info.Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitCommittedAsync(RedisCdcConnector connector, long offset)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (connector.Pipeline?.LastCommitted is not { Phase: Phase.Streaming } p || p.Offset < offset)
        {
            Assert.True(DateTime.UtcNow < deadline, $"offset {offset} not committed within {Timeout} (last: {connector.Pipeline?.LastCommitted})");
            await Task.Delay(20);
        }
    }
}
