using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using StackExchange.Redis;
using Vdr.Cdc.Kafka;

namespace Vdr.Cdc.Host.Demo;

/// <summary>The demo's fixed configuration and its header.</summary>
internal sealed partial class DemoSession
{
    /// <summary>The connector's name (Kafka transactional.id, progress key).</summary>
    public const string ConnectorName = "vdr-cdc-demo";

    private CdcOptions ConnectorOptions(IDemoRedis redis, MockKafkaCluster kafka) => new()
    {
        Name = ConnectorName,
        Redis = new RedisSourceOptions
        {
            Url = $"redis://{redis.Host}:{redis.Port}",
            AckInterval = TimeSpan.FromMilliseconds(200),

            // A demo Redis that went away is not coming back: stop with a message instead of retrying for ever.
            Reconnect = false,
        },
        Kafka = new KafkaOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            TopicPrefix = _options.TopicPrefix,

            // The mock cluster's admin API does not create topics; it creates them on first use (4 partitions).
            TopicCreation = TopicCreation.BrokerAutoCreate,
            Batch = new BatchOptions { MaxDelay = TimeSpan.FromMilliseconds(100) },
            OperationTimeout = TimeSpan.FromSeconds(10),
        },
    };

    private static async Task<string> ServerInfoAsync(IServer server, string section, string field)
    {
        var info = await server.InfoAsync(section).ConfigureAwait(false);
        return info.SelectMany(group => group).FirstOrDefault(pair => pair.Key == field).Value ?? "?";
    }

    /// <summary>Full sync without the default 5 s wait for more replicas (a container's Redis keeps its defaults otherwise).</summary>
    private static async Task PrepareForReplicaAsync(IServer server)
    {
        try
        {
            await server.ConfigSetAsync("repl-diskless-sync-delay", 0).ConfigureAwait(false);
        }
        catch (RedisServerException)
        {
            // CONFIG renamed or disabled: the snapshot only starts a few seconds later.
        }
    }

    private static ILoggerFactory CreateLoggerFactory(bool verbose) => LoggerFactory.Create(logging => logging
        .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(format =>
        {
            format.SingleLine = true;
            format.TimestampFormat = "HH:mm:ss ";
        }));

    private async Task WriteHeaderAsync(IDemoRedis redis, string version, MockKafkaCluster kafka)
    {
        var prefix = _options.TopicPrefix;
        var cli = redis.Host is "127.0.0.1" or "localhost" ? $"redis-cli -p {redis.Port}" : $"redis-cli -h {redis.Host} -p {redis.Port}";
        var tail = $"{SelfCommand()} tail --kafka {kafka.BootstrapServers} --topic-prefix {prefix} --from-beginning";
        var writes = !_options.SampleWrites
            ? "none (--no-writes)"
            : $"a round every {_options.WriteInterval.TotalSeconds:0.#} s, echoed below as \"demo> ...\"";
        var stop = _options.Duration is { } d ? $"stops by itself after {d.TotalSeconds:0.#} s of writes, or Ctrl-C" : "Ctrl-C stops everything";
        await _stderr.WriteLineAsync(
            $"""
            vdr-cdc demo: a throwaway Redis, an in-process Kafka and the connector between them ({stop}).
              Redis       {version} at {redis.Host}:{redis.Port} ({redis.Description})
              Kafka       {kafka.Description} (in this process, in memory)
              Connector   {ConnectorName}: events on {prefix}.db0, position on {prefix}.progress (topic prefix {prefix})
              Snapshot    {DemoDataset.InitialKeysSummary}
              Writes      {writes}
              Try         {cli}    (make your own changes)
                          {tail}    (in another terminal)
            Events follow on stdout, one JSON line each, as `vdr-cdc tail` prints them.
            """).ConfigureAwait(false);
        await _stderr.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>How to run this same executable from a shell: the apphost's path, else <c>dotnet &lt;dll&gt;</c>.</summary>
    private static string SelfCommand()
    {
        var process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "vdr-cdc")
        {
            return process;
        }

        return "dotnet " + typeof(DemoSession).Assembly.Location;
    }
}
