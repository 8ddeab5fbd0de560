using Vdr.Cdc.Routing;

namespace Vdr.Cdc.Kafka;

/// <summary>The Kafka side of the connector (section <c>Vdr:Cdc:Kafka</c>).</summary>
public sealed class KafkaOptions
{
    /// <summary>Bootstrap servers, <c>host:port[,host:port...]</c>. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>Topic prefix: data topics are <c>&lt;prefix&gt;.db&lt;N&gt;</c>, progress is <c>&lt;prefix&gt;.progress</c>. Default "redis".</summary>
    public string TopicPrefix { get; set; } = "redis";

    /// <summary>Routing rules (key glob → topic), first match wins; unmatched keys go to the database topic.</summary>
    public List<TopicRoute> Routes { get; set; } = [];

    /// <summary>How missing topics are created. Default <see cref="Kafka.TopicCreation.Admin"/>.</summary>
    public TopicCreation TopicCreation { get; set; } = TopicCreation.Admin;

    /// <summary>Partitions of data topics the connector creates. Default 6.</summary>
    public int Partitions { get; set; } = 6;

    /// <summary>Replication factor of topics the connector creates; -1 = the broker's default. Default -1.</summary>
    public short ReplicationFactor { get; set; } = -1;

    /// <summary>Transaction limits.</summary>
    public BatchOptions Batch { get; set; } = new();

    /// <summary><c>transaction.timeout.ms</c> of the producer. Default 60 s; keep batches far inside it.</summary>
    public TimeSpan TransactionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of blocking Kafka calls (InitTransactions, commit, abort, metadata, topic creation). Default 30 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Any librdkafka producer setting (e.g. <c>compression.type</c>, <c>security.protocol</c>), passed through as is.</summary>
    public Dictionary<string, string> Producer { get; set; } = [];

    /// <summary>Any librdkafka consumer setting for the progress reader (e.g. SASL settings), passed through as is.</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];
}
