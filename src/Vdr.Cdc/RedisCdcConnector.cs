using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vdr.Cdc.Configuration;
using Vdr.Cdc.Diagnostics;
using Vdr.Cdc.Events;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Keys;
using Vdr.Cdc.Pipeline;
using Vdr.Cdc.SchemaRegistry;

namespace Vdr.Cdc;

/// <summary>
/// The whole connector: reads the key table, builds the Kafka side (topics, serializer, transactional producer)
/// and runs the pipeline over the Redis replication client until cancelled or a fatal error.
/// </summary>
public sealed class RedisCdcConnector
{
    private readonly CdcOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    public RedisCdcConnector(IOptions<CdcOptions> options, ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<RedisCdcConnector>();
        Telemetry = new CdcTelemetry(_options.Name);
    }

    /// <summary>Live state for health checks, metrics and progress displays.</summary>
    public CdcTelemetry Telemetry { get; }

    /// <summary>The running pipeline (null before <see cref="RunAsync"/> has built it).</summary>
    public CdcPipeline? Pipeline { get; private set; }

    /// <summary>Raised after each commit with the committed progress.</summary>
    public event Action<ProgressRecord>? Committed;

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled (graceful: commit or abort, final ACK).
    /// Throws <see cref="KafkaFatalException"/> or <see cref="CdcConfigurationException"/> on errors that stop it.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Validate(_options);
        var keyTable = _options.Events.UseServerCommandTable
            ? await CommandTableProvider.LoadAsync(_options.Redis, _logger, cancellationToken).ConfigureAwait(false)
            : BuiltInKeyTable.Table;
        using var catalog = new KafkaTopicCatalog(_options.Kafka);
        using var registry = string.IsNullOrWhiteSpace(_options.SchemaRegistry.Url) ? null : new SchemaRegistryEventSerializer(_options.SchemaRegistry);
        IEventSerializer serializer = registry is null ? ProtobufEventSerializer.Instance : registry;
        using var sink = new TransactionalSink(_options.Kafka, _options.Name, catalog, serializer, _loggerFactory.CreateLogger<TransactionalSink>());
        var replicaOptions = _options.Redis.ToReplicaOptions();
        var filter = _options.Redis.Filter.IsEmpty ? null : new SourceFilter(_options.Redis.Filter, keyTable);
        CdcPipeline? pipeline = null;
        pipeline = new CdcPipeline(_options, () => ObserveSource(new RedisChangeSource(replicaOptions, _loggerFactory, filter), pipeline?.LastCommitted), sink, catalog, keyTable, _logger);
        pipeline.Committed += Telemetry.OnCommitted;
        pipeline.Committed += p => Committed?.Invoke(p);
        Pipeline = pipeline;
        using var published = CdcMetrics.Register(Telemetry);
        using var monitorStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var monitor = new ReplicationLagMonitor(_options, Telemetry, _logger).RunAsync(monitorStop.Token);
        try
        {
            await pipeline.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await monitorStop.CancelAsync().ConfigureAwait(false);
            await monitor.ConfigureAwait(false);
        }
    }

    /// <summary>Each new session's client feeds <see cref="Telemetry"/>; with the heartbeat on, its writes are watched for.</summary>
    private IChangeSource ObserveSource(RedisChangeSource source, ProgressRecord? committed)
    {
        Telemetry.AttachClient(source.Client, committed);
        var heartbeat = _options.Management.Heartbeat;
        return heartbeat.Enabled ? new HeartbeatObservingSource(source, Telemetry, heartbeat.KeyFor(_options.Name)) : source;
    }

    /// <summary>
    /// Validates the options with every rule (<see cref="CdcOptionsValidation"/>: attributes and cross-field rules);
    /// throws <see cref="CdcConfigurationException"/> listing each problem with its full key.
    /// </summary>
    public static void Validate(CdcOptions options) => CdcOptionsValidation.ThrowIfInvalid(options);
}
