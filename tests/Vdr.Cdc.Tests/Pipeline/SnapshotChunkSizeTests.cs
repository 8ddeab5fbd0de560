using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Pipeline;

/// <summary>
/// Regression (found by the crash-restart digest test): a snapshot of a value bigger than 1 MiB stopped the connector
/// with "Message size too large", because string parts and collection chunks of 1 MiB do not fit in a Kafka record of
/// the default maximum size (librdkafka's message.max.bytes, 1,000,000).
/// </summary>
public sealed class SnapshotChunkSizeTests(ITestOutputHelper output) : IDisposable
{
    private const int DefaultKafkaMessageMaxBytes = 1_000_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _kafka = new();

    [Fact]
    public async Task RunAsync_SnapshotOfMultiMegabyteValues_RecordsFitTheDefaultKafkaMessageSize()
    {
        output.WriteLine("Kafka: " + _kafka.Description);
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint + ",allowAdmin=true");
        var db = connection.GetDatabase();
        var big = new byte[(3 << 20) + 123];
        new Random(7).NextBytes(big);
        await db.StringSetAsync("big-string", big);
        var field = new string('v', 600);
        await db.HashSetAsync("big-hash", [.. Enumerable.Range(0, 4000).Select(i => new HashEntry("f" + i, field))]);

        var prefix = "chunk" + Guid.NewGuid().ToString("N")[..8];
        var options = ConnectorTestRun.Options(redis, _kafka, prefix);
        var connector = new RedisCdcConnector(Options.Create(options), new TestOutputLoggerFactory(output));
        using var cts = new CancellationTokenSource(Timeout);
        var run = connector.RunAsync(cts.Token);
        var deadline = DateTime.UtcNow + Timeout;
        await ConnectorTestRun.WaitForStreamingAsync(connector, run, deadline);

        await cts.CancelAsync();
        await run.WaitAsync(Timeout);

        var records = _kafka.ReadAll([prefix + ".db0"]).Where(r => r.Message.Value is not null).ToList();
        Assert.All(records, r => Assert.True(r.Message.Value.Length < DefaultKafkaMessageMaxBytes, $"a {r.Message.Value.Length}-byte record"));
        var events = records.Select(r => ChangeEvent.Parser.ParseFrom(r.Message.Value)).Where(e => e.Op == Op.Read).ToList();
        var parts = events.Where(e => e.Key.ToStringUtf8() == "big-string").OrderBy(e => e.ChunkIndex).ToList();
        Assert.True(parts.Count > 3, $"{parts.Count} parts");
        Assert.Equal(big, parts.SelectMany(e => e.StringValue.Data.ToByteArray()).ToArray());
        Assert.Equal(4000, events.Where(e => e.Key.ToStringUtf8() == "big-hash").Sum(e => e.HashValue.Fields.Count));
    }

    public void Dispose() => _kafka.Dispose();
}
