using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vdr.Cdc;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Testing;

namespace Vdr.Bench;

/// <summary>
/// <c>snapshot-kafka [keys] [streamSeconds] [runs] [small|large|wide]</c> (streamSeconds 0: snapshot only): (1) full sync of a mixed dataset (strings, hashes, lists, sets,
/// sorted sets) into the librdkafka mock cluster through the connector, against a native
/// <c>redis-server --replicaof</c> diskless full sync of the same data in the same run; (2) streaming under
/// <c>redis-benchmark -P 16</c> load: events/s and end-to-end lag (write on the primary → committed in Kafka),
/// median and p99, for three batch settings.
/// </summary>
public sealed class SnapshotKafkaBenchmark : IBenchmark
{
    public string Name => "snapshot-kafka";

    public string Description => "Connector full sync and streaming into mock Kafka vs native replica sync";

    /// <summary>librdkafka's name for the mock cluster's thread, which runs all its brokers.</summary>
    private const string MockThread = "rdk:mock";

    /// <summary>How librdkafka's names for a client's broker threads start.</summary>
    private const string BrokerThreads = "rdk:broker";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var keys = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var streamSeconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var shape = args.Length > 3 ? SnapshotDataset.Parse(args[3]) : DatasetShape.Small;
        await using var setup = await SnapshotBenchSetup.StartAsync(keys, shape, cancellationToken);
        var (primary, connection, rdbBytes, kafka) = (setup.Primary, setup.Connection, setup.RdbBytes, setup.Kafka);
        var natives = new List<double>();
        var ours = new List<double>();
        var nativeCpu = new List<(double Replica, double Primary)>();
        var ourCpu = new List<(double Connector, double Mock, double Primary)>();
        for (var run = 1; run <= runs; run++)
        {
            // Side by side, alternating, so both see the same machine load. CPU seconds show the budget both share:
            // 2 cores, the primary's RDB child on one of them.
            var primaryBefore = ProcessCpu.Seconds(primary.ProcessId);
            var (native, replicaCpu) = await NativeSyncAsync(primary, keys, cancellationToken);
            var nativePrimaryCpu = await PrimaryCpuSinceAsync(primary, connection, primaryBefore);
            natives.Add(native.TotalSeconds);
            nativeCpu.Add((replicaCpu, nativePrimaryCpu));
            Console.WriteLine($"run {run}: native replica diskless sync {native.TotalSeconds:F2} s ({keys / native.TotalSeconds:N0} keys/s); CPU: replica {replicaCpu:F2} s, primary with its RDB child {nativePrimaryCpu:F2} s");
            var runPrefix = "bench" + Guid.NewGuid().ToString("N")[..6];
            kafka.CreateTopic(runPrefix + ".progress", 1);
            primaryBefore = ProcessCpu.Seconds(primary.ProcessId);
            var selfBefore = ProcessCpu.Self();
            var mockBefore = ProcessCpu.ThreadSeconds(MockThread);
            var connector = await ConnectorSyncAsync(primary, kafka, runPrefix, keys, cancellationToken);
            var mockCpu = ProcessCpu.ThreadSeconds(MockThread) - mockBefore;
            var connectorCpu = ProcessCpu.Self() - selfBefore - mockCpu;
            var connectorPrimaryCpu = await PrimaryCpuSinceAsync(primary, connection, primaryBefore);
            ours.Add(connector.TotalSeconds);
            ourCpu.Add((connectorCpu, mockCpu, connectorPrimaryCpu));
            Console.WriteLine($"run {run}: connector full sync to Kafka {connector.TotalSeconds:F2} s ({keys / connector.TotalSeconds:N0} keys/s, ratio {native.TotalSeconds / connector.TotalSeconds:F2}); CPU: connector {connectorCpu:F2} s, in-process mock Kafka brokers {mockCpu:F2} s, primary with its RDB child {connectorPrimaryCpu:F2} s");
        }

        var nativeMedian = Median(natives);
        var oursMedian = Median(ours);
        Console.WriteLine();
        Console.WriteLine($"medians of {runs} runs, {keys:N0} keys ({shape}), RDB {rdbBytes / 1e6:F1} MB, load average {LoadAverage()}:");
        Console.WriteLine("| | s | keys/s | MB/s | CPU-s of the receiving side | CPU-s of the primary |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        Console.WriteLine($"| native `redis-server --replicaof` diskless full sync | {nativeMedian:F2} | {keys / nativeMedian:N0} | {rdbBytes / 1e6 / nativeMedian:F1} | {Median([.. nativeCpu.Select(c => c.Replica)]):F2} (replica) | {Median([.. nativeCpu.Select(c => c.Primary)]):F2} |");
        Console.WriteLine($"| connector full sync to Kafka (mock cluster) | {oursMedian:F2} | {keys / oursMedian:N0} | {rdbBytes / 1e6 / oursMedian:F1} | {Median([.. ourCpu.Select(c => c.Connector)]):F2} (connector) + {Median([.. ourCpu.Select(c => c.Mock)]):F2} (mock Kafka brokers, in-process) | {Median([.. ourCpu.Select(c => c.Primary)]):F2} |");
        Console.WriteLine($"ratio (native time / ours) {nativeMedian / oursMedian:F2}");
        if (streamSeconds <= 0)
        {
            return 0;
        }

        var prefix = "bench" + Guid.NewGuid().ToString("N")[..6];
        kafka.CreateTopic(prefix + ".progress", 1);
        await ConnectorSyncAsync(primary, kafka, prefix, keys, cancellationToken);
        Console.WriteLine();
        Console.WriteLine("| batch (max events / max delay) | events/s | lag p50 ms | lag p99 ms |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var (maxEvents, delayMs) in new[] { (1_000, 10), (10_000, 100), (50_000, 100), (50_000, 500) })
        {
            var (rate, p50, p99) = await StreamAsync(primary, connection, kafka, prefix, maxEvents, TimeSpan.FromMilliseconds(delayMs), streamSeconds, cancellationToken);
            Console.WriteLine($"| {maxEvents:N0} / {delayMs} ms | {rate:N0} | {p50:F1} | {p99:F1} |");
        }

        return 0;
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>The primary's CPU seconds since <paramref name="before"/>, once it has reaped its RDB child.</summary>
    private static async Task<double> PrimaryCpuSinceAsync(RedisServerProcess primary, ConnectionMultiplexer connection, double before)
    {
        var server = connection.GetServer(primary.EndPoint);
        for (var i = 0; i < 500; i++)
        {
            var info = (await server.InfoAsync("persistence")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            if (info.GetValueOrDefault("rdb_bgsave_in_progress") == "0")
            {
                break;
            }

            await Task.Delay(10);
        }

        return ProcessCpu.Seconds(primary.ProcessId) - before;
    }

    /// <summary>Time of a native replica's full sync, and the CPU seconds the replica process used.</summary>
    internal static async Task<(TimeSpan Elapsed, double ReplicaCpu)> NativeSyncAsync(RedisServerProcess primary, int keys, CancellationToken cancellationToken)
    {
        await using var replica = await RedisServerProcess.StartAsync(["--repl-diskless-load", "on-empty-db"], cancellationToken: cancellationToken);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(replica.EndPoint + ",allowAdmin=true");
        var server = connection.GetServer(replica.EndPoint);
        var watch = Stopwatch.StartNew();
        await server.ExecuteAsync("REPLICAOF", primary.Host, primary.Port);
        while (true)
        {
            var info = (await server.InfoAsync("replication")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            if (info.GetValueOrDefault("master_link_status") == "up" && info.GetValueOrDefault("master_sync_in_progress") == "0")
            {
                break;
            }

            await Task.Delay(5, cancellationToken);
        }

        watch.Stop();
        var size = await server.DatabaseSizeAsync();
        if (size != keys)
        {
            throw new InvalidOperationException($"the native replica has {size} keys, expected {keys}");
        }

        return (watch.Elapsed, ProcessCpu.Seconds(replica.ProcessId));
    }

    private static CdcOptions Options(RedisServerProcess primary, MockKafkaCluster kafka, string prefix, int maxEvents, TimeSpan maxDelay)
    {
        var options = BaseOptions(primary, kafka, prefix, maxEvents, maxDelay);
        // VDR_BENCH_PRODUCER="linger.ms=20;batch.size=4000000" overrides producer settings (to compare them).
        foreach (var setting in (Environment.GetEnvironmentVariable("VDR_BENCH_PRODUCER") ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = setting.Split('=', 2);
            options.Kafka.Producer[parts[0]] = parts[1];
        }

        return options;
    }

    private static CdcOptions BaseOptions(RedisServerProcess primary, MockKafkaCluster kafka, string prefix, int maxEvents, TimeSpan maxDelay) => new()
    {
        Name = prefix + "-connector",
        Redis = new RedisSourceOptions { Url = $"redis://{primary.EndPoint}", AckInterval = TimeSpan.FromMilliseconds(100) },
        Kafka = new KafkaOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            TopicPrefix = prefix,
            TopicCreation = TopicCreation.BrokerAutoCreate,
            Batch = new BatchOptions { MaxEvents = maxEvents, MaxDelay = maxDelay },
            Producer = { ["linger.ms"] = "5", ["batch.num.messages"] = "10000", ["queue.buffering.max.messages"] = "1000000" },
        },
    };

    internal static async Task<TimeSpan> ConnectorSyncAsync(RedisServerProcess primary, MockKafkaCluster kafka, string prefix, int keys, CancellationToken cancellationToken)
    {
        var connector = new RedisCdcConnector(Microsoft.Extensions.Options.Options.Create(Options(primary, kafka, prefix, 50_000, TimeSpan.FromMilliseconds(500))));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var done = new TaskCompletionSource<TimeSpan>();
        var watch = Stopwatch.StartNew();
        connector.Committed += p =>
        {
            if (p.Phase == Phase.Streaming)
            {
                done.TrySetResult(watch.Elapsed);
            }
        };
        // Time the pipeline spends committing (flush + EndTxn): the Redis stream is read meanwhile only as far as buffers go.
        double commitSeconds = 0;
        var commits = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Vdr.Cdc.Diagnostics.CdcMetrics.MeterName && instrument.Name == "vdr.cdc.commit.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            commitSeconds += value;
            commits++;
        });
        listener.Start();
        var run = connector.RunAsync(cts.Token);
        if (await Task.WhenAny(done.Task, run).WaitAsync(TimeSpan.FromMinutes(10), cancellationToken) == run)
        {
            // It stopped before committing the snapshot (bad settings, Kafka errors): say why instead of waiting.
            await run;
            throw new InvalidOperationException("the connector stopped before it committed the snapshot");
        }

        var elapsed = await done.Task;

        // The producer's threads end with the connector: read their CPU first.
        var brokerThreadsCpu = ProcessCpu.ThreadSeconds(BrokerThreads);
        await cts.CancelAsync();
        await run;
        Console.WriteLine($"  connector: {commits} commits, {commitSeconds:F2} s committing (flush + EndTxn); librdkafka broker threads {brokerThreadsCpu:F2} CPU-s");
        return elapsed;
    }

    private static async Task<(double Rate, double P50, double P99)> StreamAsync(RedisServerProcess primary, ConnectionMultiplexer connection, MockKafkaCluster kafka, string prefix, int maxEvents, TimeSpan maxDelay, int seconds, CancellationToken cancellationToken)
    {
        var connector = new RedisCdcConnector(Microsoft.Extensions.Options.Options.Create(Options(primary, kafka, prefix, maxEvents, maxDelay)));
        var commits = new System.Collections.Concurrent.ConcurrentQueue<(long Offset, long At, ulong Events)>();
        var ready = new TaskCompletionSource();
        connector.Committed += p =>
        {
            commits.Enqueue((p.Offset, Stopwatch.GetTimestamp(), p.Events));
            if (p.Phase == Phase.Streaming)
            {
                ready.TrySetResult();
            }
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = connector.RunAsync(cts.Token);
        await ready.Task.WaitAsync(TimeSpan.FromMinutes(10), cancellationToken);
        var server = connection.GetServer(primary.EndPoint);
        var db = connection.GetDatabase();

        var load = Process.Start(new ProcessStartInfo(RedisBinaries.Benchmark, $"-h {primary.Host} -p {primary.Port} -P 16 -t set,lpush,incr,hset -r 100000 -n 100000000 -q")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var samples = new List<(long Offset, long WrittenAt)>();
        var start = Stopwatch.GetTimestamp();
        var startEvents = commits.LastOrDefault().Events;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
        {
            await db.StringSetAsync("lag:probe", Stopwatch.GetTimestamp());
            var writtenAt = Stopwatch.GetTimestamp();
            var offset = long.Parse((await server.InfoAsync("replication")).SelectMany(g => g).First(p => p.Key == "master_repl_offset").Value, CultureInfo.InvariantCulture);
            samples.Add((offset, writtenAt));
            await Task.Delay(20, cancellationToken);
        }

        load.Kill();
        await load.WaitForExitAsync(cancellationToken);
        var endOffset = long.Parse((await server.InfoAsync("replication")).SelectMany(g => g).First(p => p.Key == "master_repl_offset").Value, CultureInfo.InvariantCulture);
        while (commits.LastOrDefault().Offset < endOffset)
        {
            await Task.Delay(10, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var events = commits.LastOrDefault().Events - startEvents;
        await cts.CancelAsync();
        await run;

        var committed = commits.ToArray();
        var lags = samples.Select(s =>
        {
            var commit = committed.First(c => c.Offset >= s.Offset);
            return Stopwatch.GetElapsedTime(s.WrittenAt, commit.At).TotalMilliseconds;
        }).Order().ToArray();
        return (events / elapsed, lags[lags.Length / 2], lags[(int)(lags.Length * 0.99)]);
    }
}
