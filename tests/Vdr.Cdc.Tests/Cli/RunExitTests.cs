using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StackExchange.Redis;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Cli;

/// <summary>
/// How <c>vdr-cdc run</c> ends, as a real child process against a real redis-server and the librdkafka mock cluster
/// hosted in the test process: a fatal Kafka error gives exit code 1 and a clear message; SIGTERM commits what is
/// pending and exits 0.
/// </summary>
public sealed class RunExitTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly MockKafkaCluster _kafka = MockKafkaCluster.Start();

    [Fact]
    public async Task Run_ProducerFencedOnCommit_ExitsOneWithClearMessage()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint);
        var prefix = NewPrefix();
        await using var run = ConnectorProcess.Start(_kafka.BootstrapServers, redis, prefix, maxDelay: "00:00:00.050");
        await WaitForProgressAsync(prefix, p => p.Phase == Phase.Streaming, run);

        // The next EndTxn is answered "fenced" (another instance with the same transactional.id took over).
        _kafka.PushRequestErrors(26, ErrorCode.ProducerFenced);
        await connection.GetDatabase().StringSetAsync("after", "1");

        var exit = await run.WaitForExitAsync(Timeout);
        output.WriteLine(run.Output);
        Assert.Equal(1, exit);
        Assert.Contains("failed fatally", run.Output, StringComparison.Ordinal);
        Assert.Contains(prefix + "-c", run.Output, StringComparison.Ordinal);
        Assert.Contains("another instance with the same name took over", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Sigterm_CommitsThePendingWriteAndExitsZero()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint + ",allowAdmin=true");
        var prefix = NewPrefix();

        // A transaction is committed by time only after 30 s: what SIGTERM finds pending, only the shutdown commits.
        await using var run = ConnectorProcess.Start(_kafka.BootstrapServers, redis, prefix, maxDelay: "00:00:30");
        await WaitForProgressAsync(prefix, p => p.Phase == Phase.Streaming, run);
        await connection.GetDatabase().StringSetAsync("pending", "1");
        var offset = long.Parse(connection.GetServer(redis.EndPoint).Info("replication").SelectMany(g => g).First(p => p.Key == "master_repl_offset").Value, CultureInfo.InvariantCulture);
        // The write reached the connector: its event is in the open transaction (visible to read_uncommitted), not committed.
        await WaitUntilAsync(() => UncommittedKeys(prefix + ".db0").Contains("pending"), run);
        Assert.DoesNotContain(Progress(prefix), p => p.Offset >= offset);

        run.Terminate();
        var exit = await run.WaitForExitAsync(Timeout);
        output.WriteLine(run.Output);
        Assert.Equal(0, exit);
        var last = Progress(prefix).Last();
        Assert.Equal(Phase.Streaming, last.Phase);
        Assert.True(last.Offset >= offset, $"the last committed offset {last.Offset} is before the write at {offset}");
    }

    public void Dispose() => _kafka.Dispose();

    private string NewPrefix()
    {
        var prefix = "exit" + Guid.NewGuid().ToString("N")[..8];
        _kafka.CreateTopic(prefix + ".progress", 1);
        return prefix;
    }

    private List<ProgressRecord> Progress(string prefix)
    {
        var config = new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "t" + Guid.NewGuid().ToString("N"), EnableAutoCommit = false, EnablePartitionEof = true };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var partition = new TopicPartition(prefix + ".progress", 0);
        var end = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High;
        var records = new List<ProgressRecord>();
        if (end == 0)
        {
            return records;
        }

        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        while (true)
        {
            // Transaction markers take offsets too: read until the end of the partition.
            var result = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"progress topic: no end after {records.Count} records");
            if (result.IsPartitionEOF)
            {
                break;
            }

            records.Add(ProgressRecord.Parser.ParseFrom(result.Message.Value));
        }

        return records;
    }

    private HashSet<string> UncommittedKeys(string topic)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "t" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadUncommitted,
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        var partitions = metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var ends = partitions.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(partitions.Where(p => ends[p.Partition.Value] > 0).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ends.Any(e => e.Value > 0) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            keys.Add(Encoding.UTF8.GetString(result.Message.Key ?? []));
            if (result.Offset.Value + 1 >= ends[result.Partition.Value])
            {
                ends[result.Partition.Value] = 0;
            }
        }

        return keys;
    }

    private async Task WaitForProgressAsync(string prefix, Func<ProgressRecord, bool> condition, ConnectorProcess run) =>
        await WaitUntilAsync(() => Progress(prefix).Any(condition), run);

    private static async Task WaitUntilAsync(Func<bool> condition, ConnectorProcess run)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.False(run.HasExited, $"vdr-cdc run exited early: {run.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {Timeout}: {run.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary><c>vdr-cdc run</c> as a child process, its stdout and stderr collected.</summary>
    private sealed class ConnectorProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ConnectorProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static ConnectorProcess Start(string kafka, RedisServerProcess redis, string prefix, string maxDelay)
        {
            var config = Path.Combine(redis.Directory, prefix + ".json");
            File.WriteAllText(config, "{\"Vdr\":{\"Cdc\":{\"Management\":{\"Enabled\":false},\"Kafka\":{\"TopicCreation\":\"BrokerAutoCreate\",\"OperationTimeout\":\"00:00:20\",\"Batch\":{\"MaxDelay\":\"" + maxDelay + "\"}}}}}");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "vdr-cdc.dll"), "run", "--redis", $"redis://{redis.EndPoint}", "--kafka", kafka, "--name", prefix + "-c", "--topic-prefix", prefix, "--config", config])
            {
                psi.ArgumentList.Add(arg);
            }

            return new ConnectorProcess(Process.Start(psi)!);
        }

        public void Terminate()
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"vdr-cdc run did not exit within {timeout}: {Output}");
            }

            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
