using Confluent.Kafka;

namespace Vdr.E2E;

/// <summary>
/// Whether Kafka still holds every record of the run: a data partition whose low watermark is above 0 lost its
/// oldest records (librdkafka's mock cluster keeps at most 5 MB per partition; a real broker's retention), and then no
/// consumer can rebuild the source from the topics — the run proves nothing and must fail saying so.
/// </summary>
public static class KafkaRetentionCheck
{
    /// <summary>"topic [partition] starts at offset N" for every partition of the prefix's topics that does not start at 0.</summary>
    public static List<string> TruncatedPartitions(string bootstrapServers, string prefix)
    {
        var truncated = new List<string>();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = prefix + ".e2e-check" })
            .SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(20));
        foreach (var topic in metadata.Topics.Where(t => t.Topic.StartsWith(prefix + ".db", StringComparison.Ordinal)).OrderBy(t => t.Topic, StringComparer.Ordinal))
        {
            foreach (var partition in topic.Partitions.OrderBy(p => p.PartitionId))
            {
                var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic.Topic, partition.PartitionId), TimeSpan.FromSeconds(20));
                if (watermarks.Low > 0)
                {
                    truncated.Add($"{topic.Topic} [{partition.PartitionId}] starts at offset {watermarks.Low.Value}");
                }
            }
        }

        return truncated;
    }
}
