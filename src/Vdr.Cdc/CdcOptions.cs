using Vdr.Cdc.Events;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.SchemaRegistry;

namespace Vdr.Cdc;

/// <summary>
/// The connector's options tree, bound from configuration section <see cref="SectionName"/>:
/// <c>Name</c>, <c>Redis</c>, <c>Kafka</c> (with <c>Batch</c>, <c>Routes</c>, <c>Producer</c> pass-through),
/// <c>SchemaRegistry</c>, <c>Events</c>.
/// </summary>
public sealed class CdcOptions
{
    public const string SectionName = "Vdr:Cdc";

    /// <summary>Connector name: the Kafka transactional.id and the progress record key. Must be stable. Default "vdr-cdc".</summary>
    public string Name { get; set; } = "vdr-cdc";

    /// <summary>The Redis source.</summary>
    public RedisSourceOptions Redis { get; set; } = new();

    /// <summary>The Kafka sink.</summary>
    public KafkaOptions Kafka { get; set; } = new();

    /// <summary>Optional Schema Registry.</summary>
    public SchemaRegistryOptions SchemaRegistry { get; set; } = new();

    /// <summary>Event mapping.</summary>
    public EventOptions Events { get; set; } = new();
}
