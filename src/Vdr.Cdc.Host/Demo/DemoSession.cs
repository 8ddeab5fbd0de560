using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Host.Commands;
using Vdr.Cdc.Kafka;

namespace Vdr.Cdc.Host.Demo;

/// <summary>
/// <c>vdr-cdc demo</c> from start to finish: a throwaway Redis, librdkafka's mock Kafka cluster in this process, the
/// connector between them, the initial dataset and the sample writes, and the events shown as <c>vdr-cdc tail</c>
/// prints them (stdout: JSON lines only; stderr: the header, the echoed writes, logs). Stopping (duration reached,
/// Ctrl-C, SIGTERM) ends the writes, lets the connector commit and the last events show, then removes everything.
/// </summary>
internal sealed partial class DemoSession
{
    private const int DataTopicPartitions = 4;
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private readonly DemoOptions _options;
    private readonly TextWriter _stderr;
    private readonly ActivityStream _stdout;

    private DemoSession(DemoOptions options, Stream stdout, TextWriter stderr)
    {
        _options = options;
        _stdout = new ActivityStream(stdout);
        _stderr = stderr;
    }

    /// <summary>Runs the demo; 0 when it stopped as asked, 1 when something could not start or failed while running.</summary>
    public static async Task<int> RunAsync(DemoOptions options, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stderr);
        var session = new DemoSession(options, stdout, stderr);
        int exitCode;
        try
        {
            var redis = await DemoRedisLauncher.StartAsync(options, stderr, cancellationToken).ConfigureAwait(false);
            await using (redis.ConfigureAwait(false))
            {
                exitCode = await session.RunWithRedisAsync(redis, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DemoSetupException e)
        {
            await stderr.WriteLineAsync("vdr-cdc demo: " + e.Message).ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            exitCode = 0;
        }

        await stderr.WriteLineAsync($"vdr-cdc demo: stopped after {session._stdout.Lines} events; Redis and the mock Kafka are gone.").ConfigureAwait(false);
        return exitCode;
    }

    private async Task<int> RunWithRedisAsync(IDemoRedis redis, CancellationToken cancellationToken)
    {
        var redisConfig = new ConfigurationOptions { AllowAdmin = true, AbortOnConnectFail = true, ConnectTimeout = 5_000, ClientName = "vdr-cdc-demo" };
        redisConfig.EndPoints.Add(redis.Host, redis.Port);
        var connection = await ConnectionMultiplexer.ConnectAsync(redisConfig).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var server = connection.GetServer(redis.Host, redis.Port);
            var version = await ServerInfoAsync(server, "server", "redis_version").ConfigureAwait(false);
            await PrepareForReplicaAsync(server).ConfigureAwait(false);
            var dataset = new DemoDataset(connection.GetDatabase(), _stderr);
            await dataset.LoadAsync().ConfigureAwait(false);

            using var kafka = MockKafkaCluster.Start(brokers: 1);
            kafka.CreateTopic(_options.TopicPrefix + ".progress", 1);

            // Created up front (as the broker would on first use) so that the tail's first topic scan finds it.
            kafka.CreateTopic(_options.TopicPrefix + ".db0", DataTopicPartitions);
            using var loggerFactory = CreateLoggerFactory(_options.Verbose);
            await WriteHeaderAsync(redis, version, kafka).ConfigureAwait(false);
            return await RunConnectorAsync(redis, server, dataset, kafka, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> RunConnectorAsync(IDemoRedis redis, IServer server, DemoDataset dataset, MockKafkaCluster kafka, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var connector = new RedisCdcConnector(Options.Create(ConnectorOptions(redis, kafka)), loggerFactory);
        using var connectorStop = new CancellationTokenSource();
        using var tailStop = new CancellationTokenSource();
        var connectorRun = Task.Run(() => connector.RunAsync(connectorStop.Token), CancellationToken.None);
        var tail = TailCommand.RunAsync(kafka.BootstrapServers, _options.TopicPrefix, fromBeginning: true, exitWhenIdle: null, _stdout, _stderr, tailStop.Token);
        string? failure = null;
        try
        {
            failure = await WaitForSnapshotAsync(connector, connectorRun, tail, cancellationToken).ConfigureAwait(false)
                ?? await WriteUntilStoppedAsync(redis, dataset, connectorRun, tail, cancellationToken).ConfigureAwait(false);
            if (failure is null && !cancellationToken.IsCancellationRequested && !tail.IsCompleted)
            {
                // Stopping by itself (--duration): let the last writes reach Kafka and the screen first.
                await DrainAsync(connector, server, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C or SIGTERM: stop at once (the connector still commits what it has).
        }
        catch (RedisException e)
        {
            failure = $"writing to Redis failed: {e.Message}";
        }

        await connectorStop.CancelAsync().ConfigureAwait(false);
        failure ??= await StopConnectorAsync(connectorRun, redis).ConfigureAwait(false);
        await tailStop.CancelAsync().ConfigureAwait(false);
        failure ??= await StopTailAsync(tail).ConfigureAwait(false);

        if (failure is not null)
        {
            await _stderr.WriteLineAsync("vdr-cdc demo: " + failure).ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    private async Task<string?> WaitForSnapshotAsync(RedisCdcConnector connector, Task connectorRun, Task<int> tail, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SnapshotTimeout;
        while (connector.Pipeline?.LastCommitted is not { Phase: Phase.Streaming })
        {
            if (connectorRun.IsCompleted || tail.IsCompleted)
            {
                return null;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return $"the connector did not finish the snapshot within {SnapshotTimeout.TotalSeconds:0} s";
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    private async Task<string?> WriteUntilStoppedAsync(IDemoRedis redis, DemoDataset dataset, Task connectorRun, Task<int> tail, CancellationToken cancellationToken)
    {
        var stopAt = _options.Duration is { } duration ? DateTime.UtcNow + duration : DateTime.MaxValue;
        for (long round = 0; !cancellationToken.IsCancellationRequested; round++)
        {
            if (connectorRun.IsCompleted || tail.IsCompleted)
            {
                return null;
            }

            if (redis.HasExited)
            {
                return "Redis went away (was it shut down?)";
            }

            var now = DateTime.UtcNow;
            if (now >= stopAt)
            {
                return null;
            }

            if (_options.SampleWrites)
            {
                await dataset.WriteRoundAsync(round).ConfigureAwait(false);
            }

            var pause = stopAt - now < _options.WriteInterval ? stopAt - now : _options.WriteInterval;
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Waits (bounded) until the connector committed everything Redis has written, then until the output is quiet.</summary>
    private async Task DrainAsync(RedisCdcConnector connector, IServer server, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + DrainTimeout;
        var target = long.Parse(await ServerInfoAsync(server, "replication", "master_repl_offset").ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        while (connector.Pipeline?.LastCommitted is not { Phase: Phase.Streaming } committed || committed.Offset < target)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        while (_stdout.Quiet < TimeSpan.FromSeconds(1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the cancelled tail; a closed stdout (<c>vdr-cdc demo | head</c>) is a normal way to stop.</summary>
    private static async Task<string?> StopTailAsync(Task<int> tail)
    {
        try
        {
            return await tail.WaitAsync(StopTimeout, CancellationToken.None).ConfigureAwait(false) == 0 ? null : "showing the events failed (see above)";
        }
        catch (IOException)
        {
            return null;
        }
        catch (TimeoutException)
        {
            return $"the event display did not stop within {StopTimeout.TotalSeconds:0} s";
        }
    }

    /// <summary>Waits for the cancelled connector; returns what went wrong if it failed rather than stopped.</summary>
    private async Task<string?> StopConnectorAsync(Task connectorRun, IDemoRedis redis)
    {
        try
        {
            await connectorRun.WaitAsync(StopTimeout, CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (TimeoutException)
        {
            return $"the connector did not stop within {StopTimeout.TotalSeconds:0} s";
        }
        catch (Exception e)
        {
            var reason = redis.HasExited ? " (Redis went away)" : string.Empty;
            await _stderr.WriteLineAsync($"vdr-cdc demo: the connector stopped{reason}: {e}").ConfigureAwait(false);
            return "the connector failed: " + e.Message;
        }
    }
}
