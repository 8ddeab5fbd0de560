namespace Vdr.Cdc.Events.Framing;

/// <summary>How a record value frames its Protobuf payload.</summary>
public enum ValueFraming
{
    /// <summary>No value: a Kafka tombstone.</summary>
    None,

    /// <summary>The Protobuf bytes alone (the connector's default).</summary>
    Protobuf,

    /// <summary>Confluent Schema Registry wire format: magic 0, schema id, message-index array, then the Protobuf bytes.</summary>
    SchemaRegistry,
}
