using Confluent.Kafka;
using Vdr.Cdc.Kafka;
using Vdr.Testing;

namespace Vdr.Cdc.Tests.Kafka;

/// <summary>
/// The Kafka the integration tests use: an external cluster when VDR_TEST_KAFKA names its bootstrap servers
/// (then exactly-once is asserted with read_committed), else librdkafka's in-process mock cluster.
/// </summary>
public sealed class KafkaTestCluster : IDisposable
{
    private readonly MockKafkaCluster? _mock;

    public KafkaTestCluster()
    {
        var external = Environment.GetEnvironmentVariable("VDR_TEST_KAFKA");
        if (!string.IsNullOrWhiteSpace(external))
        {
            BootstrapServers = external;
            Description = "external Kafka at " + external + " (VDR_TEST_KAFKA)";
        }
        else
        {
            _mock = MockKafkaCluster.Start();
            BootstrapServers = _mock.BootstrapServers;
            Description = _mock.Description;
        }
    }

    public string BootstrapServers { get; }

    public string Description { get; }

    /// <summary>The mock cluster, or null with an external Kafka.</summary>
    public MockKafkaCluster? Mock => _mock;

    /// <summary>True for a real broker: read_committed hides aborted records.</summary>
    public bool IsReal => _mock is null;

    /// <summary>Options for a connector with a fresh topic prefix; on the mock the progress topic is created through its API.</summary>
    public KafkaOptions NewOptions(string prefix)
    {
        var options = new KafkaOptions
        {
            BootstrapServers = BootstrapServers,
            TopicPrefix = prefix,
            TopicCreation = IsReal ? TopicCreation.Admin : TopicCreation.BrokerAutoCreate,
            Partitions = 4,
            ReplicationFactor = -1,
            OperationTimeout = TimeSpan.FromSeconds(20),
        };
        _mock?.CreateTopic(prefix + ".progress", 1);
        return options;
    }

    /// <summary>Every record of the topics, read from the start to the current end of each partition.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadAll(IEnumerable<string> topics, bool readCommitted = true)
    {
        var records = new List<ConsumeResult<byte[], byte[]>>();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).SetLogHandler((_, _) => { }).Build();
        var assignment = new List<TopicPartitionOffset>();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler((_, _) => { }).Build())
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            foreach (var topic in topics)
            {
                var md = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
                foreach (var p in md?.Partitions ?? [])
                {
                    assignment.Add(new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning));
                }
            }
        }

        if (assignment.Count == 0)
        {
            return records;
        }

        consumer.Assign(assignment);
        var open = new HashSet<TopicPartition>(assignment.Select(a => a.TopicPartition));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (open.Count > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                open.Remove(result.TopicPartition);
                continue;
            }

            records.Add(result);
        }

        if (open.Count > 0)
        {
            throw new TimeoutException($"partitions {string.Join(", ", open)} did not reach their end within 30 s");
        }

        return records;
    }

    /// <summary>The names of the topics that exist with this prefix.</summary>
    public List<string> TopicsWithPrefix(string prefix)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler((_, _) => { }).Build();
        return [.. admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).Where(t => t.StartsWith(prefix + ".", StringComparison.Ordinal)).Order()];
    }

    public void Dispose() => _mock?.Dispose();
}
