using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Keys;
using Vdr.Cdc.Pipeline;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Cdc.Tests.Pipeline;
using Vdr.RedisStream.Rdb;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Configuration;

/// <summary><c>Vdr:Cdc:Redis:Filter</c> and <c>Vdr:Cdc:Redis:PasswordFile</c>: unit rules, then the connector end to end.</summary>
public sealed class SourceFilterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("user:1", true)]
    [InlineData("user:tmp:1", false)]
    [InlineData("order:1", true)]
    [InlineData("cache:1", false)]
    public void IsKeyIncluded_IncludeThenExclude(string key, bool expected)
    {
        var filter = new SourceFilter(new SourceFilterOptions { IncludeKeys = ["user:*", "order:*"], ExcludeKeys = ["user:tmp:*"] }, BuiltInKeyTable.Table);

        Assert.Equal(expected, filter.IsKeyIncluded(Encoding.UTF8.GetBytes(key)));
    }

    [Theory]
    [InlineData("SET user:1 v", true)]
    [InlineData("SET cache:1 v", false)]
    [InlineData("MSET cache:1 v user:2 w", true)] // one of its keys is captured: the command is kept whole
    [InlineData("DEL cache:1 cache:2", false)]
    [InlineData("FLUSHDB", true)] // no keys: kept
    public void IsCommandIncluded_ByKeys(string command, bool expected)
    {
        var filter = new SourceFilter(new SourceFilterOptions { IncludeKeys = ["user:*"] }, BuiltInKeyTable.Table);

        Assert.Equal(expected, filter.IsCommandIncluded(Args(command)));
    }

    [Theory]
    [InlineData("SET a 1", true)]
    [InlineData("incr a", false)]
    [InlineData("PUBLISH ch m", false)]
    public void IsCommandIncluded_ExcludedNames_CaseInsensitive(string command, bool expected)
    {
        var filter = new SourceFilter(new SourceFilterOptions { ExcludeCommands = ["INCR", "publish"] }, BuiltInKeyTable.Table);

        Assert.Equal(expected, filter.IsCommandIncluded(Args(command)));
    }

    [Theory]
    [InlineData("SET a 1", true)]
    [InlineData("HSET h f v", true)]
    [InlineData("DEL a", false)]
    public void IsCommandIncluded_IncludedNamesOnly(string command, bool expected)
    {
        var filter = new SourceFilter(new SourceFilterOptions { IncludeCommands = ["set", "HSET"] }, BuiltInKeyTable.Table);

        Assert.Equal(expected, filter.IsCommandIncluded(Args(command)));
    }

    [Fact]
    public void SkipsSnapshotRecord_FromKeyStartToKeyEnd()
    {
        var filter = new SourceFilter(new SourceFilterOptions { ExcludeKeys = ["skip*"] }, BuiltInKeyTable.Table);
        var skipped = "skip"u8.ToArray();
        var kept = "keep"u8.ToArray();

        Assert.True(filter.SkipsSnapshotRecord(new RdbKeyStart(0, skipped, RdbValueType.String, default, null, null, null)));
        Assert.True(filter.SkipsSnapshotRecord(new RdbKeyEnd(0, skipped, 1)));
        Assert.False(filter.SkipsSnapshotRecord(new RdbKeyStart(0, kept, RdbValueType.String, default, null, null, null)));
        Assert.False(filter.SkipsSnapshotRecord(new RdbKeyEnd(0, kept, 1)));
    }

    [Fact]
    public async Task Connector_FilterAndPasswordFile_OnlyCapturedKeysAndCommandsReachKafka()
    {
        const string Password = "pw-from-file";
        using var kafkaCluster = new KafkaTestCluster();
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0", "--requirepass", Password]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.EndPoint},password={Password},allowAdmin=true");
        var db = connection.GetDatabase();
        await db.StringSetAsync("user:1", "snap");
        await db.StringSetAsync("user:tmp:1", "snap");
        await db.StringSetAsync("cache:1", "snap");
        var passwordFile = Path.Combine(redis.Directory, "redis-password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");

        var prefix = "f" + Guid.NewGuid().ToString("N")[..10];
        var options = new CdcOptions
        {
            Name = prefix + "-connector",
            Redis = new RedisSourceOptions
            {
                Url = $"redis://{redis.EndPoint}",
                PasswordFile = passwordFile,
                AckInterval = TimeSpan.FromMilliseconds(100),
                Filter = new SourceFilterOptions { IncludeKeys = ["user:*"], ExcludeKeys = ["user:tmp:*"], ExcludeCommands = ["INCR"] },
            },
            Kafka = kafkaCluster.NewOptions(prefix),
        };
        options.Kafka.Batch.MaxDelay = TimeSpan.FromMilliseconds(50);
        var connector = new RedisCdcConnector(Options.Create(options), new TestOutputLoggerFactory(output));
        using var cts = new CancellationTokenSource(Timeout);
        var run = connector.RunAsync(cts.Token);
        await WaitCommittedAsync(connector, run, 0);

        await db.StringSetAsync("user:2", "x");
        await db.StringSetAsync("cache:2", "x");
        await db.StringIncrementAsync("user:counter");
        await db.StringSetAsync("user:tmp:2", "x");
        await db.HashSetAsync("user:3", "f", "v");
        var offset = long.Parse(connection.GetServer(redis.EndPoint).Info("replication").SelectMany(g => g).First(p => p.Key == "master_repl_offset").Value, System.Globalization.CultureInfo.InvariantCulture);
        await WaitCommittedAsync(connector, run, offset);
        await cts.CancelAsync();
        await run.WaitAsync(Timeout);

        var keys = kafkaCluster.ReadAll([prefix + ".db0"]).Where(r => r.Message.Value is not null)
            .Select(r => ChangeEvent.Parser.ParseFrom(r.Message.Value))
            .Where(e => e.Op is Op.Read or Op.Upsert)
            .Select(e => $"{e.Op}:{e.Key.ToStringUtf8()}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(["Read:user:1", "Upsert:user:2", "Upsert:user:3"], keys);
    }

    private static async Task WaitCommittedAsync(RedisCdcConnector connector, Task run, long offset)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (connector.Pipeline?.LastCommitted is not { Phase: Phase.Streaming } p || p.Offset < offset)
        {
            Assert.False(run.IsCompleted, $"the connector stopped: {run.Exception?.GetBaseException().Message}");
            Assert.True(DateTime.UtcNow < deadline, $"offset {offset} not committed within {Timeout}");
            await Task.Delay(20);
        }
    }

    private static List<byte[]> Args(string command) => [.. command.Split(' ').Select(Encoding.UTF8.GetBytes)];
}
