using System.Text;
using Confluent.Kafka;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;

namespace Vdr.Cdc.Progress;

/// <summary>
/// Reads the last committed progress record of a connector: the progress topic's single partition from the start
/// to its end with a read_committed consumer (the end being the last stable offset the broker reports to such a
/// consumer, after <c>InitTransactions</c> has aborted any zombie transaction).
/// </summary>
public static class ProgressReader
{
    public static async Task<ProgressRecord?> ReadLatestAsync(KafkaOptions options, string progressTopic, string connector, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = connector + ".progress-reader",
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        foreach (var (key, value) in options.ConsumerSettings())
        {
            config.Set(key, value);
        }

        return await Task.Run(() => Read(config, options.OperationTimeout, progressTopic, connector, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static ProgressRecord? Read(ConsumerConfig config, TimeSpan timeout, string topic, string connector, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var partition = new TopicPartition(topic, 0);
        var watermarks = consumer.QueryWatermarkOffsets(partition, timeout);
        if (watermarks.High <= watermarks.Low)
        {
            return null;
        }

        var key = Encoding.UTF8.GetBytes(connector);
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        ProgressRecord? latest = null;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                return latest;
            }

            if (result.Message.Key is { } k && k.AsSpan().SequenceEqual(key) && result.Message.Value is { Length: > 0 } value)
            {
                latest = ProgressRecord.Parser.ParseFrom(value);
            }
        }

        throw new TimeoutException($"reading the progress topic {topic} to its end took longer than {timeout}");
    }
}
