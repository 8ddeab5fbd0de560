using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Vdr.Cdc.Kafka;

/// <summary>
/// Knows the partition count of every topic the connector writes to, and makes missing topics exist according to
/// <see cref="KafkaOptions.TopicCreation"/> (data topics with <see cref="KafkaOptions.Partitions"/>, the progress
/// topic with one partition and compaction).
/// </summary>
public sealed class KafkaTopicCatalog : IDisposable
{
    private readonly KafkaOptions _options;
    private readonly IAdminClient _admin;
    private readonly ConcurrentDictionary<string, int> _partitions = new(StringComparer.Ordinal);

    public KafkaTopicCatalog(KafkaOptions options)
    {
        _options = options;
        var config = new AdminClientConfig { BootstrapServers = options.BootstrapServers };
        foreach (var (key, value) in options.ProducerSettings())
        {
            if (IsClientSetting(key))
            {
                config.Set(key, value);
            }
        }

        _admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
    }

    /// <summary>Topics known to exist (from metadata or created).</summary>
    public IEnumerable<string> KnownTopics => _partitions.Keys;

    /// <summary>Partition count of a topic, creating it first if needed.</summary>
    public async ValueTask<int> GetPartitionCountAsync(string topic, bool isProgressTopic, CancellationToken cancellationToken)
    {
        if (_partitions.TryGetValue(topic, out var count))
        {
            return count;
        }

        await EnsureAsync([topic], isProgressTopic, cancellationToken).ConfigureAwait(false);
        return _partitions[topic];
    }

    /// <summary>Makes the topics exist and caches their partition counts.</summary>
    public async Task EnsureAsync(IReadOnlyCollection<string> topics, bool progressTopics, CancellationToken cancellationToken)
    {
        var missing = topics.Where(t => !_partitions.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        // A metadata request for all topics never triggers broker auto-creation.
        var all = await Task.Run(() => _admin.GetMetadata(_options.OperationTimeout), cancellationToken).ConfigureAwait(false);
        foreach (var t in all.Topics.Where(t => t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0))
        {
            _partitions[t.Topic] = t.Partitions.Count;
        }

        missing.RemoveAll(_partitions.ContainsKey);
        if (missing.Count == 0)
        {
            return;
        }

        switch (_options.TopicCreation)
        {
            case TopicCreation.Disabled:
                throw new CdcConfigurationException(
                    $"Kafka topic(s) {string.Join(", ", missing)} do not exist and Kafka:TopicCreation is Disabled: create them (the progress topic with 1 partition and cleanup.policy=compact) or enable topic creation.");
            case TopicCreation.BrokerAutoCreate:
                foreach (var topic in missing)
                {
                    var md = await Task.Run(() => _admin.GetMetadata(topic, _options.OperationTimeout), cancellationToken).ConfigureAwait(false);
                    var t = md.Topics.FirstOrDefault(x => x.Topic == topic);
                    if (t is null || t.Error.Code != ErrorCode.NoError || t.Partitions.Count == 0)
                    {
                        throw new CdcConfigurationException(
                            $"Kafka topic {topic} does not exist and the broker did not auto-create it ({t?.Error.Reason ?? "no metadata"}); enable auto.create.topics.enable or use Kafka:TopicCreation=Admin.");
                    }

                    _partitions[topic] = t.Partitions.Count;
                }

                break;
            default:
                await CreateAsync(missing, progressTopics, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    public void Dispose() => _admin.Dispose();

    private async Task CreateAsync(List<string> topics, bool progressTopics, CancellationToken cancellationToken)
    {
        var specs = topics.Select(t => new TopicSpecification
        {
            Name = t,
            NumPartitions = progressTopics ? 1 : _options.Partitions,
            ReplicationFactor = _options.ReplicationFactor,
            Configs = progressTopics ? new Dictionary<string, string> { ["cleanup.policy"] = "compact" } : null,
        }).ToList();
        try
        {
            await _admin.CreateTopicsAsync(specs, new CreateTopicsOptions { RequestTimeout = _options.OperationTimeout, OperationTimeout = _options.OperationTimeout })
                .WaitAsync(_options.OperationTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Someone else created them meanwhile.
        }
        catch (TimeoutException e)
        {
            throw new CdcConfigurationException($"creating Kafka topic(s) {string.Join(", ", topics)} timed out after {_options.OperationTimeout}", e);
        }
        catch (KafkaException e)
        {
            throw new CdcConfigurationException($"creating Kafka topic(s) {string.Join(", ", topics)} failed: {e.Message}", e);
        }

        var md = await Task.Run(() => _admin.GetMetadata(_options.OperationTimeout), cancellationToken).ConfigureAwait(false);
        foreach (var topic in topics)
        {
            var t = md.Topics.FirstOrDefault(x => x.Topic == topic);
            _partitions[topic] = t is { Partitions.Count: > 0 } ? t.Partitions.Count : progressTopics ? 1 : _options.Partitions;
        }
    }

    /// <summary>Settings that apply to any client (security, connection), as opposed to producer-only ones.</summary>
    internal static bool IsClientSetting(string key) =>
        key.StartsWith("security.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal)
        || key.StartsWith("ssl.", StringComparison.Ordinal) || key.StartsWith("socket.", StringComparison.Ordinal)
        || key is "client.id" or "client.dns.lookup" or "broker.address.family";
}
