using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vdr.Cdc.Configuration;
using Vdr.Cdc.Routing;

namespace Vdr.Cdc.Kafka;

/// <summary>The Kafka side of the connector (section <c>Vdr:Cdc:Kafka</c>).</summary>
public sealed class KafkaOptions
{
    /// <summary>Bootstrap servers, <c>host:port[,host:port...]</c>. Required.</summary>
    [Required(ErrorMessage = "{0}: is required: host:port[,host:port...]")]
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>Topic prefix: data topics are <c>&lt;prefix&gt;.db&lt;N&gt;</c>, progress is <c>&lt;prefix&gt;.progress</c>. Default "redis".</summary>
    [Required(ErrorMessage = "{0}: is required")]
    [RegularExpression("^[A-Za-z0-9._-]{1,200}$", ErrorMessage = "{0}: must be 1 to 200 of the characters Kafka allows in topic names: A-Z a-z 0-9 . _ -")]
    public string TopicPrefix { get; set; } = "redis";

    /// <summary>Routing rules (key glob → topic), first match wins; unmatched keys go to the database topic.</summary>
    [ValidateEnumeratedItems]
    public List<TopicRoute> Routes { get; set; } = [];

    /// <summary>How missing topics are created. Default <see cref="Kafka.TopicCreation.Admin"/>.</summary>
    public TopicCreation TopicCreation { get; set; } = TopicCreation.Admin;

    /// <summary>Partitions of data topics the connector creates. Default 6.</summary>
    [Range(1, 100_000)]
    public int Partitions { get; set; } = 6;

    /// <summary>Replication factor of topics the connector creates; -1 = the broker's default. Default -1.</summary>
    [Range(-1, short.MaxValue)]
    public short ReplicationFactor { get; set; } = -1;

    /// <summary>Transaction limits.</summary>
    [ValidateObjectMembers]
    public BatchOptions Batch { get; set; } = new();

    /// <summary><c>transaction.timeout.ms</c> of the producer. Default 60 s; keep batches far inside it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:15:00")]
    public TimeSpan TransactionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of blocking Kafka calls (InitTransactions, commit, abort, metadata, topic creation). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Any librdkafka producer setting (e.g. <c>compression.type</c>, <c>security.protocol</c>), passed through as is.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    /// <summary>Any librdkafka consumer setting for the progress reader (e.g. SASL settings), passed through as is.</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>
    /// librdkafka settings read from files at start (Kubernetes secrets mounted as files): setting name → file path,
    /// e.g. <c>sasl.password</c> → <c>/var/run/secrets/kafka/password</c>. Applied to the producer, the admin client
    /// and the progress reader; one trailing newline of the file is ignored.
    /// </summary>
    public Dictionary<string, string> SecretFiles { get; set; } = [];

    /// <summary>The producer's librdkafka settings: <see cref="Producer"/> plus <see cref="SecretFiles"/> (read now).</summary>
    public Dictionary<string, string> ProducerSettings() => WithSecrets(Producer);

    /// <summary>The progress reader's librdkafka settings: <see cref="Consumer"/> plus <see cref="SecretFiles"/> (read now).</summary>
    public Dictionary<string, string> ConsumerSettings() => WithSecrets(Consumer);

    private Dictionary<string, string> WithSecrets(Dictionary<string, string> settings)
    {
        var result = new Dictionary<string, string>(settings, StringComparer.Ordinal);
        foreach (var (key, path) in SecretFiles)
        {
            result[key] = SecretFile.Read(path);
        }

        return result;
    }
}
