namespace Vdr.Cdc.Kafka;

/// <summary>How missing topics come into existence at start (and when a new database appears).</summary>
public enum TopicCreation
{
    /// <summary>Create them with the admin API (partitions, replication factor, compaction for the progress topic).</summary>
    Admin,

    /// <summary>Let the broker create them on first metadata request (<c>auto.create.topics.enable</c>, broker defaults).</summary>
    BrokerAutoCreate,

    /// <summary>Never create: a missing topic stops the connector with a message naming it.</summary>
    Disabled,
}
