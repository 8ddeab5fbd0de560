using System.Globalization;
using StackExchange.Redis;
using Vdr.Cdc.Kafka;
using Vdr.Testing;

namespace Vdr.Bench;

/// <summary>What the snapshot benchmarks start from: a primary loaded with the mixed dataset, and a mock Kafka cluster.</summary>
public sealed class SnapshotBenchSetup : IAsyncDisposable
{
    private SnapshotBenchSetup(RedisServerProcess primary, ConnectionMultiplexer connection, long rdbBytes, MockKafkaCluster kafka)
    {
        Primary = primary;
        Connection = connection;
        RdbBytes = rdbBytes;
        Kafka = kafka;
    }

    public RedisServerProcess Primary { get; }

    public ConnectionMultiplexer Connection { get; }

    /// <summary>Size of the dataset's RDB file.</summary>
    public long RdbBytes { get; }

    public MockKafkaCluster Kafka { get; }

    public static async Task<SnapshotBenchSetup> StartAsync(int keys, DatasetShape shape, CancellationToken cancellationToken)
    {
        var primary = await RedisServerProcess.StartAsync(SnapshotDataset.PrimaryArguments, cancellationToken: cancellationToken);
        var connection = await ConnectionMultiplexer.ConnectAsync(primary.EndPoint + ",allowAdmin=true,syncTimeout=60000");
        var rdbBytes = await SnapshotDataset.LoadAsync(connection, primary, keys, shape);
        var kafka = MockKafkaCluster.Start();
        Console.WriteLine("Kafka: " + kafka.Description);
        if (Environment.GetEnvironmentVariable("VDR_BENCH_MOCK_RTT") is { Length: > 0 } rtt)
        {
            kafka.SetRoundTripTime(int.Parse(rtt, CultureInfo.InvariantCulture));
            Console.WriteLine($"mock brokers answer after {rtt} ms");
        }

        return new SnapshotBenchSetup(primary, connection, rdbBytes, kafka);
    }

    public async ValueTask DisposeAsync()
    {
        Kafka.Dispose();
        await Connection.DisposeAsync();
        await Primary.DisposeAsync();
    }
}
