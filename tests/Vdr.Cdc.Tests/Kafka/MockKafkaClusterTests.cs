using Confluent.Kafka;
using Vdr.Cdc.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Kafka;

public sealed class MockKafkaClusterTests(ITestOutputHelper output)
{
    [Fact]
    public void CreateTopic_OnePartitionTopic_TransactionalRecordIsReadBack()
    {
        using var cluster = MockKafkaCluster.Start();
        output.WriteLine("Kafka: " + cluster.Description);
        cluster.CreateTopic("t.progress", 1);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            Assert.Single(admin.GetMetadata("t.progress", TimeSpan.FromSeconds(5)).Topics[0].Partitions);

            // A metadata request naming a topic auto-creates it with the mock's default of 4 partitions.
            Assert.Equal(4, admin.GetMetadata("t.db0", TimeSpan.FromSeconds(5)).Topics[0].Partitions.Count);
        }

        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, TransactionalId = "x" }).Build())
        {
            producer.InitTransactions(TimeSpan.FromSeconds(10));
            producer.BeginTransaction();
            producer.Produce(new TopicPartition("t.progress", 0), new Message<byte[], byte[]> { Key = [1], Value = [2] });
            producer.CommitTransaction(TimeSpan.FromSeconds(10));
        }

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "g",
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset("t.progress", 0, Offset.Beginning));
        var record = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.NotNull(record);
        Assert.Equal([2], record.Message.Value);

        // The commit marker takes an offset too: the high watermark is past it.
        Assert.Equal(2, consumer.QueryWatermarkOffsets(new TopicPartition("t.progress", 0), TimeSpan.FromSeconds(5)).High.Value);
    }

    [Fact]
    public async Task SetRoundTripTime_EveryBrokerAnswersLate()
    {
        const int RttMs = 500;
        using var cluster = MockKafkaCluster.Start();
        output.WriteLine("Kafka: " + cluster.Description);
        cluster.CreateTopic("t.rtt", 3);
        cluster.SetRoundTripTime(RttMs);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 }).Build();

        // One record per partition: the 3 partitions are led by the 3 brokers, and each one's answer takes the RTT.
        for (var partition = 0; partition < 3; partition++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = await producer.ProduceAsync(new TopicPartition("t.rtt", partition), new Message<byte[], byte[]> { Key = [1], Value = [2] });
            output.WriteLine($"partition {partition}: acknowledged after {watch.ElapsedMilliseconds} ms");
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
            Assert.True(watch.ElapsedMilliseconds >= RttMs * 0.9, $"partition {partition} acknowledged after {watch.ElapsedMilliseconds} ms, before the {RttMs} ms RTT");
        }
    }
}
