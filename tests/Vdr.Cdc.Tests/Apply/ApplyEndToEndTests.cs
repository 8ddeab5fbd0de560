using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Host.Apply;
using Vdr.Cdc.Host.Commands;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Cdc.Tests.Pipeline;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Apply;

/// <summary>
/// `vdr-cdc apply` end to end: a source redis-server, the connector in-process, Kafka (mock or VDR_TEST_KAFKA), apply
/// into a target redis-server; source and target must end with the same DEBUG DIGEST (after removing apply's state hash).
/// </summary>
public sealed class ApplyEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly KafkaTestCluster _kafka = new();
    private readonly ITestOutputHelper _output;
    private RedisServerProcess _source = null!;
    private RedisServerProcess _target = null!;
    private ConnectionMultiplexer _sourceConnection = null!;
    private ConnectionMultiplexer _targetConnection = null!;

    public ApplyEndToEndTests(ITestOutputHelper output)
    {
        _output = output;
        output.WriteLine("Kafka: " + _kafka.Description);
    }

    public async Task InitializeAsync()
    {
        _source = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]);
        _target = await RedisServerProcess.StartAsync(["--enable-debug-command", "yes"]);
        _sourceConnection = await ConnectionMultiplexer.ConnectAsync(_source.EndPoint + ",allowAdmin=true");
        _targetConnection = await ConnectionMultiplexer.ConnectAsync(_target.EndPoint + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await _sourceConnection.DisposeAsync();
        await _targetConnection.DisposeAsync();
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _kafka.Dispose();
    }

    [Fact]
    public async Task Apply_SnapshotAndWorkload_TargetDigestEqualsSource()
    {
        await LoadDatasetAsync();
        var prefix = await RunConnectorAsync(WorkloadAsync);

        var (exit, summary, _) = await ApplyAsync(prefix, "e2e");

        Assert.Equal(0, exit);
        Assert.Contains("pending=0", summary, StringComparison.Ordinal);
        await AssertSameDigestAsync("e2e");
        Assert.Equal("1", (string?)await _targetConnection.GetDatabase(3).StringGetAsync("moved"));
        Assert.Equal(29, (long)await _targetConnection.GetDatabase().StringGetAsync("counter"));
    }

    [Fact]
    public async Task Apply_CancelledMidRunAndRestarted_NoChangeAppliedTwice()
    {
        var db = _sourceConnection.GetDatabase();
        for (var i = 0; i < 300; i++)
        {
            await db.StringSetAsync($"pre:{i}", i);
        }

        var prefix = await RunConnectorAsync(async () =>
        {
            for (var i = 0; i < 400; i++)
            {
                await db.StringIncrementAsync($"n:{i % 7}");
                await db.ListLeftPushAsync("log", i);
                if (i % 50 == 0)
                {
                    await db.KeyRenameAsync("log", "log2");
                    await db.KeyRenameAsync("log2", "log");
                }
            }
        });

        // First run: stopped as soon as it has stored something (small batches make many MULTI/EXECs).
        using var cts = new CancellationTokenSource(Timeout);
        var first = ApplyAsync(prefix, "kill", maxBatch: 7, cancellationToken: cts.Token);
        var stateKey = (RedisKey)"vdr-cdc:apply:kill";
        while (!first.IsCompleted && !(await _targetConnection.GetDatabase().HashGetAsync(stateKey, "events")).HasValue)
        {
            await Task.Delay(5);
        }

        await cts.CancelAsync();
        var (firstExit, firstSummary, _) = await first.WaitAsync(Timeout);
        _output.WriteLine("first run: " + firstSummary);
        Assert.Equal(0, firstExit);
        var appliedFirst = (long)await _targetConnection.GetDatabase().HashGetAsync(stateKey, "events");
        Assert.True(appliedFirst > 0);

        var (exit, summary, _) = await ApplyAsync(prefix, "kill");
        _output.WriteLine("second run: " + summary);

        Assert.Equal(0, exit);
        await AssertSameDigestAsync("kill");
        for (var k = 0; k < 7; k++)
        {
            Assert.Equal(await db.StringGetAsync($"n:{k}"), await _targetConnection.GetDatabase().StringGetAsync($"n:{k}"));
        }

        Assert.Equal(400, await _targetConnection.GetDatabase().ListLengthAsync("log"));
    }

    [Fact]
    public async Task Apply_RecordThatIsNotAChangeEvent_StopsNamingItOrDeadLettersIt()
    {
        var db = _sourceConnection.GetDatabase();
        await db.StringSetAsync("k", "v");
        var prefix = await RunConnectorAsync(async () => await db.StringIncrementAsync("n"));
        byte[] garbage = [0x68, 0x65, 0x6c, 0x6c, 0x6f];
        var offset = await ProduceAsync(prefix + ".db0", 1, garbage);

        var (exit, _, stderr) = await ApplyAsync(prefix, "bad");

        Assert.Equal(1, exit);
        Assert.Contains($"topic {prefix}.db0 partition 1 offset {offset}: not a change event", stderr, StringComparison.Ordinal);

        // With a dead-letter topic the record goes there, unchanged, with headers saying why; the rest is applied.
        var deadLetterTopic = "dead-" + prefix;
        var (exit2, summary, _) = await ApplyAsync(prefix, "bad2", deadLetterTopic: deadLetterTopic);

        Assert.Equal(0, exit2);
        Assert.Contains("dead_lettered=1", summary, StringComparison.Ordinal);
        var dead = Assert.Single(_kafka.ReadAll([deadLetterTopic], readCommitted: false));
        Assert.Equal(garbage, dead.Message.Value);
        Assert.Equal("NotAChangeEvent", Header(dead, "vdr-cdc.problem"));
        Assert.Equal(prefix + ".db0", Header(dead, "vdr-cdc.topic"));
        Assert.Equal("1", Header(dead, "vdr-cdc.partition"));
        Assert.Equal(offset.ToString(CultureInfo.InvariantCulture), Header(dead, "vdr-cdc.offset"));
        await AssertSameDigestAsync("bad2");
    }

    [Fact]
    public async Task Apply_TargetRefusesAWrite_StopsNamingTheRecordOrDeadLettersIt()
    {
        var db = _sourceConnection.GetDatabase();
        var prefix = await RunConnectorAsync(async () =>
        {
            await db.StringIncrementAsync("n");
            await db.StringSetAsync("after", "1");
        });
        await _targetConnection.GetDatabase().ExecuteAsync("ACL", "SETUSER", "applier", "on", ">secret", "~*", "+@all", "-incr");
        var url = $"redis://applier:secret@{_target.EndPoint}";

        var (exit, _, stderr) = await ApplyAsync(prefix, "refused", redisUrl: url);

        Assert.Equal(1, exit);
        Assert.Matches($@"topic {prefix}\.db0 partition \d offset \d+: the target rejected the change: INCR n: NOPERM", stderr);
        Assert.False(await _targetConnection.GetDatabase().KeyExistsAsync("after"), "the batch holding the refused write was applied");

        var deadLetterTopic = "dead-" + prefix;
        var (exit2, summary, _) = await ApplyAsync(prefix, "refused", redisUrl: url, deadLetterTopic: deadLetterTopic);

        Assert.Equal(0, exit2);
        Assert.Contains("dead_lettered=1", summary, StringComparison.Ordinal);
        var dead = Assert.Single(_kafka.ReadAll([deadLetterTopic], readCommitted: false));
        Assert.Equal("Rejected", Header(dead, "vdr-cdc.problem"));
        Assert.Equal("1", (string?)await _targetConnection.GetDatabase().StringGetAsync("after"));
        Assert.False(await _targetConnection.GetDatabase().KeyExistsAsync("n"));
    }

    private static string Header(Confluent.Kafka.ConsumeResult<byte[], byte[]> record, string name) =>
        System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    private async Task<long> ProduceAsync(string topic, int partition, byte[] value)
    {
        using var producer = new Confluent.Kafka.ProducerBuilder<byte[]?, byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = _kafka.BootstrapServers })
            .SetLogHandler((_, _) => { }).Build();
        var result = await producer.ProduceAsync(new Confluent.Kafka.TopicPartition(topic, partition), new Confluent.Kafka.Message<byte[]?, byte[]> { Key = null, Value = value });
        return result.Offset.Value;
    }

    private async Task LoadDatasetAsync()
    {
        var db = _sourceConnection.GetDatabase();
        await db.StringSetAsync("s", "value", TimeSpan.FromHours(1));
        await db.StringSetAsync("big", new string('x', 900_000));
        await db.StringSetAsync("counter", 10);
        await db.StringSetAsync("int", 12345);
        await db.ListRightPushAsync("biglist", [.. Enumerable.Range(0, 10_000).Select(i => (RedisValue)i)]);
        await db.ListRightPushAsync("l", ["a", "b", "c"]);
        await db.HashSetAsync("h", [new HashEntry("f1", "1"), new HashEntry("f2", "two")]);
        await db.HashSetAsync("bighash", [.. Enumerable.Range(0, 5000).Select(i => new HashEntry($"f{i}", i))]);
        await db.SortedSetAddAsync("z", [new SortedSetEntry("a", 1.5), new SortedSetEntry("b", double.PositiveInfinity), new SortedSetEntry("c", -0.1)]);
        await db.SetAddAsync("set", [.. Enumerable.Range(0, 5000).Select(i => (RedisValue)$"m{i}")]);
        await db.SetAddAsync("smallset", ["x", "y"]);
        await db.StreamAddAsync("st", "f", "v1");
        await db.StreamAddAsync("st", "f", "v2");
        await db.ExecuteAsync("XGROUP", "CREATE", "st", "g", "0");
        await db.ExecuteAsync("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "st", ">");
        await db.ExecuteAsync("XGROUP", "CREATE", "empty-stream", "g", "$", "MKSTREAM");
        var db1 = _sourceConnection.GetDatabase(1);
        await db1.StringSetAsync("in1", "one");
        await db1.HashSetAsync("h1", "f", "v");
        await _sourceConnection.GetDatabase(2).StringSetAsync("in2", "two");
    }

    private async Task WorkloadAsync()
    {
        var db = _sourceConnection.GetDatabase();
        for (var i = 0; i < 10; i++)
        {
            await db.StringIncrementAsync("counter");
            await db.StringAppendAsync("s", "+");
            await db.ListLeftPushAsync("l", $"p{i}");
            await db.HashIncrementAsync("h", "f1", 2);
            await db.SortedSetIncrementAsync("z", "a", 0.25);
        }

        await db.ExecuteAsync("INCRBYFLOAT", "float", "1.5");
        await db.ListLeftPopAsync("l");
        await db.SetRemoveAsync("smallset", "x");
        await db.ExecuteAsync("MSET", "m1", "1", "m2", "2", "m3", "3");
        await db.KeyDeleteAsync(["m1", "m3", "int"]);
        await db.KeyRenameAsync("h", "h-renamed");
        await db.ExecuteAsync("LMOVE", "l", "l2", "LEFT", "RIGHT");
        await db.KeyExpireAsync("smallset", TimeSpan.FromHours(2));
        await db.KeyPersistAsync("s");
        var tran = db.CreateTransaction();
        _ = tran.StringIncrementAsync("counter");
        _ = tran.KeyRenameAsync("l2", "l3");
        _ = tran.ListRightPushAsync("l3", "in-multi");
        _ = tran.StringSetAsync("m2", "x");
        await tran.ExecuteAsync();
        await db.ScriptEvaluateAsync("redis.call('INCR', KEYS[1]); redis.call('SET', KEYS[2], 'lua')", ["counter", "lua"]);
        for (var i = 0; i < 7; i++)
        {
            await db.StringIncrementAsync("counter");
        }

        await db.StringSetAsync("moved", "1");
        await db.KeyMoveAsync("moved", 3);
        await db.ExecuteAsync("COPY", "counter", "counter-copy");
        await _sourceConnection.GetDatabase(2).ExecuteAsync("FLUSHDB");
        await _sourceConnection.GetDatabase(2).StringSetAsync("after-flush", "y");
        await db.ExecuteAsync("SWAPDB", "1", "4");
        await db.StreamAddAsync("st", "f", "v3");
        await db.ExecuteAsync("XACK", "st", "g", "0-1");
    }

    /// <summary>Runs the connector until everything the workload wrote is committed; returns the topic prefix.</summary>
    private async Task<string> RunConnectorAsync(Func<Task> workload)
    {
        var prefix = "a" + Guid.NewGuid().ToString("N")[..10];
        var kafka = _kafka.NewOptions(prefix);
        kafka.Batch = new BatchOptions { MaxDelay = TimeSpan.FromMilliseconds(30), MaxEvents = 500, SnapshotMaxDelay = TimeSpan.FromMilliseconds(30), SnapshotMaxEvents = 500 };
        var options = new CdcOptions
        {
            Name = prefix + "-connector",
            Redis = new RedisSourceOptions { Url = $"redis://{_source.EndPoint}", AckInterval = TimeSpan.FromMilliseconds(100) },
            Kafka = kafka,
        };
        var connector = new RedisCdcConnector(Options.Create(options), new TestOutputLoggerFactory(_output));
        using var cts = new CancellationTokenSource(Timeout);
        var run = connector.RunAsync(cts.Token);
        await WaitCommittedAsync(connector, run, 0);
        await workload();
        await WaitCommittedAsync(connector, run, MasterOffset());
        await cts.CancelAsync();
        await run.WaitAsync(Timeout);
        return prefix;
    }

    private async Task<(int Exit, string Summary, string Stderr)> ApplyAsync(
        string prefix, string name, int maxBatch = 2000, string? redisUrl = null, string? deadLetterTopic = null, CancellationToken cancellationToken = default)
    {
        var settings = new ApplySettings
        {
            Bootstrap = _kafka.BootstrapServers,
            TopicPrefix = prefix,
            RedisUrl = redisUrl ?? $"redis://{_target.EndPoint}",
            Name = name,
            ExitWhenIdle = TimeSpan.FromSeconds(2),
            MaxBatch = maxBatch,
            DeadLetterTopic = deadLetterTopic,
        };
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var exit = await ApplyCommand.RunAsync(settings, stdout, stderr, timeout.Token);
        _output.WriteLine(stderr.ToString());
        _output.WriteLine(stdout.ToString());
        return (exit, stdout.ToString().Trim(), stderr.ToString());
    }

    private async Task AssertSameDigestAsync(string name)
    {
        await _targetConnection.GetDatabase().KeyDeleteAsync("vdr-cdc:apply:" + name);
        var source = (string?)await _sourceConnection.GetDatabase().ExecuteAsync("DEBUG", "DIGEST");
        var target = (string?)await _targetConnection.GetDatabase().ExecuteAsync("DEBUG", "DIGEST");
        if (source != target)
        {
            for (var d = 0; d < 5; d++)
            {
                foreach (var key in _sourceConnection.GetServer(_source.EndPoint).Keys(d))
                {
                    var a = (string?)await _sourceConnection.GetDatabase(d).ExecuteAsync("DEBUG", "DIGEST-VALUE", key);
                    var b = (string?)await _targetConnection.GetDatabase(d).ExecuteAsync("DEBUG", "DIGEST-VALUE", key);
                    _output.WriteLine($"db{d} {key}: {(a == b ? "same" : "DIFFERENT")}");
                }

                _output.WriteLine($"db{d} keys: source {_sourceConnection.GetServer(_source.EndPoint).DatabaseSize(d)}, target {_targetConnection.GetServer(_target.EndPoint).DatabaseSize(d)}");
            }
        }

        Assert.Equal(source, target);
    }

    private long MasterOffset()
    {
        var info = _sourceConnection.GetServer(_source.EndPoint).Info("replication").SelectMany(g => g).First(p => p.Key == "master_repl_offset");
        return long.Parse(info.Value, CultureInfo.InvariantCulture);
    }

    private static async Task WaitCommittedAsync(RedisCdcConnector connector, Task run, long offset)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (connector.Pipeline?.LastCommitted is not { Phase: Phase.Streaming } p || p.Offset < offset)
        {
            if (run.IsCompleted)
            {
                await run;
                Assert.Fail("the connector stopped before committing offset " + offset);
            }

            Assert.True(DateTime.UtcNow < deadline, $"offset {offset} not committed within {Timeout} (last: {connector.Pipeline?.LastCommitted})");
            await Task.Delay(20);
        }
    }
}
