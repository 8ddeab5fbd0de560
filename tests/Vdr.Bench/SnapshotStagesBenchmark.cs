using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using StackExchange.Redis;
using Vdr.Cdc.Events;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Keys;
using Vdr.Cdc.Pipeline;
using Vdr.Cdc.Routing;
using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.Bench;

/// <summary>
/// <c>snapshot-stages [keys] [runs] [small|large|wide]</c>: where the time of a full sync to Kafka goes. Alternating in
/// one run, on the dataset of <c>snapshot-kafka</c>: the native replica; our replication client alone (every
/// record decoded, nothing done with it); the client plus event mapping and Protobuf serialization (no Kafka); the
/// transactional producer alone as the sink drives it (the same number of pre-serialized events into the mock cluster,
/// no delivery reports, through the direct produce path).
/// <c>VDR_BENCH_STAGES=1,2</c> runs only those stages (0-based).
/// </summary>
public sealed class SnapshotStagesBenchmark : IBenchmark
{
    public string Name => "snapshot-stages";

    public string Description => "Full-sync time per stage: native replica, replication client, + mapping/serialization, Kafka producer alone";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var keys = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var shape = args.Length > 2 ? SnapshotDataset.Parse(args[2]) : DatasetShape.Small;
        await using var setup = await SnapshotBenchSetup.StartAsync(keys, shape, cancellationToken);
        var (primary, connection, rdbBytes, kafka) = (setup.Primary, setup.Connection, setup.RdbBytes, setup.Kafka);

        var stages = new (string Name, Func<Task<(TimeSpan Elapsed, long Events)>> Run)[]
        {
            ("native `redis-server --replicaof` diskless full sync", async () => ((await SnapshotKafkaBenchmark.NativeSyncAsync(primary, keys, cancellationToken)).Elapsed, keys)),
            ("replication client alone (records decoded)", () => ClientOnlyAsync(primary, cancellationToken)),
            ("client + mapping + Protobuf serialization", () => MappedAsync(primary, cancellationToken)),
            ("transactional producer alone as the sink drives it (same count, mean size)", () => ProducerOnlyAsync(kafka, keys, (int)(rdbBytes / keys) + 48, cancellationToken)),
            ("connector full sync to Kafka", async () =>
            {
                var prefix = "stages" + Guid.NewGuid().ToString("N")[..6];
                kafka.CreateTopic(prefix + ".progress", 1);
                return (await SnapshotKafkaBenchmark.ConnectorSyncAsync(primary, kafka, prefix, keys, cancellationToken), keys);
            }),
        };
        // VDR_BENCH_STAGES=1,2 runs only those stages (0-based), e.g. to profile one of them.
        var only = Environment.GetEnvironmentVariable("VDR_BENCH_STAGES") is { Length: > 0 } list
            ? list.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToHashSet()
            : null;
        stages = [.. stages.Where((_, i) => only is null || only.Contains(i))];
        var times = stages.Select(_ => new List<double>()).ToArray();
        var events = new long[stages.Length];
        for (var run = 1; run <= runs; run++)
        {
            for (var i = 0; i < stages.Length; i++)
            {
                var pausedBefore = GC.GetTotalPauseDuration();
                var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var allocatedBefore = GC.GetTotalAllocatedBytes();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var (elapsed, count) = await stages[i].Run();
                times[i].Add(elapsed.TotalSeconds);
                events[i] = count;
                Console.WriteLine($"run {run}: {stages[i].Name}: {elapsed.TotalSeconds:F2} s; this process: CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:F2} s, allocated {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e6:N0} MB, "
                    + $"GC pauses {(GC.GetTotalPauseDuration() - pausedBefore).TotalSeconds:F2} s (gen0/1/2: {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3})");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"medians of {runs} runs, {keys:N0} keys ({shape}), RDB {rdbBytes / 1e6:F1} MB, load average {SnapshotKafkaBenchmark.LoadAverage()}:");
        Console.WriteLine("| stage | s | keys/s | MB/s | items |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        for (var i = 0; i < stages.Length; i++)
        {
            var median = SnapshotKafkaBenchmark.Median(times[i]);
            Console.WriteLine($"| {stages[i].Name} | {median:F2} | {keys / median:N0} | {rdbBytes / 1e6 / median:F1} | {events[i]:N0} |");
        }

        return 0;
    }

    private static async Task<(TimeSpan, long)> ClientOnlyAsync(RedisServerProcess primary, CancellationToken cancellationToken)
    {
        var options = new RedisReplicaOptions { Url = $"redis://{primary.EndPoint}", SnapshotBatches = true };
        if (Environment.GetEnvironmentVariable("VDR_BENCH_SPOOL_MEMORY") is { Length: > 0 } spoolMemory)
        {
            options.SpoolMemoryBytes = long.Parse(spoolMemory, CultureInfo.InvariantCulture);
        }

        await using var client = new RedisReplicationClient(options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = Stopwatch.StartNew();
        long records = 0;
        try
        {
            await foreach (var message in client.StartReplicationAsync(null, stop.Token))
            {
                records += message is SnapshotBatchMessage batch ? batch.Records.Count : 1;
                if (message is SnapshotEndMessage)
                {
                    watch.Stop();
                    await stop.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return (watch.Elapsed, records);
    }

    private static async Task<(TimeSpan, long)> MappedAsync(RedisServerProcess primary, CancellationToken cancellationToken)
    {
        var source = new RedisChangeSource(new RedisReplicaOptions { Url = $"redis://{primary.EndPoint}" });
        await using var _ = source;
        var mapper = new ChangeEventMapper(new TopicRouter("stages"), BuiltInKeyTable.Table, new EventOptions(), "stages", source.Server);
        var records = new List<OutgoingRecord>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = Stopwatch.StartNew();
        long events = 0;
        long bytes = 0;
        var buffer = Array.Empty<byte>();
        try
        {
            await foreach (var message in source.StartAsync(null, stop.Token))
            {
                records.Clear();
                switch (message)
                {
                    case SourceMessage.FullResync resync:
                        mapper.BeginSnapshot(resync.ReplicationId, resync.Offset, records);
                        break;
                    case SourceMessage.Snapshot snapshot:
                        mapper.MapSnapshot(snapshot.Record, records);
                        break;
                    case SourceMessage.SnapshotBatch snapshot:
                        foreach (var record in snapshot.Records)
                        {
                            mapper.MapSnapshot(record, records);
                        }

                        break;
                    case SourceMessage.SnapshotEnd:
                        mapper.EndSnapshot(records);
                        watch.Stop();
                        await stop.CancelAsync();
                        break;
                }

                // Into one reused buffer, as the sink does.
                foreach (var record in records)
                {
                    bytes += record.SnapshotRead is { } read ? ProtobufEventSerializer.Instance.Serialize(record.Topic, read, ref buffer)
                        : record.Event is { } change ? ProtobufEventSerializer.Instance.Serialize(record.Topic, change, ref buffer)
                        : 0;
                    events++;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        GC.KeepAlive(bytes);
        return (watch.Elapsed, events);
    }

    /// <summary>
    /// The producer as the connector's sink drives it: no delivery reports, records gathered per write (128, the
    /// decoder's batch) and handed to librdkafka per partition through the direct path.
    /// </summary>
    private static async Task<(TimeSpan, long)> ProducerOnlyAsync(MockKafkaCluster kafka, int events, int valueBytes, CancellationToken cancellationToken)
    {
        var topic = "stages-producer-" + Guid.NewGuid().ToString("N")[..6];
        kafka.CreateTopic(topic, 4);
        var config = new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            TransactionalId = topic,
            EnableIdempotence = true,
            EnableDeliveryReports = false,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = 5,
            BatchNumMessages = 10_000,
            QueueBufferingMaxMessages = 1_000_000,
        };
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        using var direct = DirectTopicProducer.TryCreate(producer, out var reason)
            ?? throw new InvalidOperationException($"librdkafka's direct produce path is not available: {reason}");
        var nativeTopic = direct.Topic(topic);
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        var keysBytes = Enumerable.Range(0, 1000).Select(i => System.Text.Encoding.ASCII.GetBytes("k:" + i)).ToArray();
        var value = new byte[valueBytes];
        var batch = new NativeProduceBatch();
        var record = new OutgoingRecord(topic, keysBytes[0], new Vdr.Cdc.Events.V1.ChangeEvent(), allPartitions: false);
        var watch = Stopwatch.StartNew();
        const int PerTransaction = 50_000;
        const int PerWrite = 128;
        for (var start = 0; start < events; start += PerTransaction)
        {
            producer.BeginTransaction();
            for (var i = start; i < Math.Min(events, start + PerTransaction); i++)
            {
                var key = keysBytes[i % keysBytes.Length];
                batch.Add(nativeTopic, Murmur2Partitioner.Partition(key, 4), batch.Store(key, value, tombstone: false), record);
                if (batch.Count == PerWrite || i + 1 == Math.Min(events, start + PerTransaction))
                {
                    if (batch.Flush(direct, () => producer.Poll(TimeSpan.FromMilliseconds(50))) is { } refused)
                    {
                        throw new KafkaException(refused.Error);
                    }
                }
            }

            await Task.Run(() => producer.CommitTransaction(TimeSpan.FromSeconds(60)), cancellationToken);
        }

        return (watch.Elapsed, events);
    }
}
