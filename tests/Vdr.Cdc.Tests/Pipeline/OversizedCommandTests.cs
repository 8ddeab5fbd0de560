using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Pipeline;

/// <summary>
/// A replicated command whose event is bigger than the producer's message.max.bytes cannot be split like a snapshot
/// value: the connector stops with a message naming the key, the command, the size and the setting to raise, and
/// commits nothing past the position before that command (nothing is lost or skipped).
/// </summary>
public sealed class OversizedCommandTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _kafka = new();

    [Fact]
    public async Task RunAsync_StreamedCommandBiggerThanMessageMaxBytes_StopsNamingKeySizeAndSetting()
    {
        output.WriteLine("Kafka: " + _kafka.Description);
        // A backlog that holds the big command: the restart below is a partial resync from before it.
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0", "--repl-backlog-size", "16mb"]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint + ",allowAdmin=true");
        var db = connection.GetDatabase();
        var prefix = "oversize" + Guid.NewGuid().ToString("N")[..8];
        var options = ConnectorTestRun.Options(redis, _kafka, prefix);
        var connector = new RedisCdcConnector(Options.Create(options), new TestOutputLoggerFactory(output));
        using var cts = new CancellationTokenSource(Timeout);
        var run = connector.RunAsync(cts.Token);
        var deadline = DateTime.UtcNow + Timeout;
        var pipeline = await ConnectorTestRun.WaitForStreamingAsync(connector, run, deadline);

        await db.StringSetAsync("small", "1");
        while (pipeline.LastCommitted!.Offset < MasterOffset(connection, redis))
        {
            Assert.True(DateTime.UtcNow < deadline, "the small write was not committed in time");
            await Task.Delay(20);
        }

        var committedBefore = pipeline.LastCommitted.Offset;
        await db.StringSetAsync("huge:1", new byte[2_000_000]);

        var error = await Assert.ThrowsAsync<KafkaFatalException>(() => run.WaitAsync(Timeout));
        output.WriteLine(error.Message);
        Assert.Contains("huge:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("SET", error.Message, StringComparison.Ordinal);
        Assert.Contains("message.max.bytes", error.Message, StringComparison.Ordinal);
        Assert.Matches(@"2,0\d\d,\d\d\d bytes", error.Message);
        Assert.Equal(committedBefore, pipeline.LastCommitted.Offset);

        // Restarted with a larger limit, it resumes before the command and delivers it.
        options.Kafka.Producer["message.max.bytes"] = "3000000";
        var restarted = new RedisCdcConnector(Options.Create(options), new TestOutputLoggerFactory(output));
        using var cts2 = new CancellationTokenSource(Timeout);
        var rerun = restarted.RunAsync(cts2.Token);
        var target = MasterOffset(connection, redis);
        while (restarted.Pipeline?.LastCommitted is not { } last || last.Offset < target)
        {
            Assert.False(rerun.IsCompleted, $"the restarted connector stopped: {rerun.Exception?.GetBaseException().Message}");
            Assert.True(DateTime.UtcNow < deadline, "the restarted connector did not commit the command in time");
            await Task.Delay(20);
        }

        await cts2.CancelAsync();
        await rerun.WaitAsync(Timeout);
        var events = _kafka.ReadAll([prefix + ".db0"])
            .Where(r => r.Message.Value is not null)
            .Select(r => ChangeEvent.Parser.ParseFrom(r.Message.Value))
            .ToList();
        var huge = events.Where(e => e.Key.ToStringUtf8() == "huge:1" && e.Op == Op.Upsert).ToList();
        Assert.NotEmpty(huge);
        Assert.Equal(2_000_000, huge[^1].Command.Args[1].Length);
    }

    private static long MasterOffset(ConnectionMultiplexer connection, RedisServerProcess redis) =>
        long.Parse(connection.GetServer(redis.EndPoint).Info("replication").SelectMany(g => g).First(p => p.Key == "master_repl_offset").Value, System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _kafka.Dispose();
}
