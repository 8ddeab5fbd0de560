using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vdr.Cdc.Configuration;
using Vdr.Cdc.Events;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.SchemaRegistry;

namespace Vdr.Cdc;

/// <summary>
/// The connector's options tree, bound from configuration section <see cref="SectionName"/>:
/// <c>Name</c>, <c>Redis</c> (with <c>Filter</c>), <c>Kafka</c> (with <c>Batch</c>, <c>Routes</c>, <c>Producer</c>
/// pass-through, <c>SecretFiles</c>), <c>SchemaRegistry</c>, <c>Events</c>, <c>Logging</c>. Validated at start by
/// <see cref="CdcOptionsValidator"/> (attributes) and <see cref="CdcOptionsRules"/> (cross-field rules);
/// every key is described in docs/configuration.md.
/// </summary>
public sealed class CdcOptions
{
    public const string SectionName = "Vdr:Cdc";

    /// <summary>Connector name: the Kafka transactional.id and the progress record key. Must be stable. Default "vdr-cdc".</summary>
    [Required(ErrorMessage = "{0}: is required: a stable connector name (its Kafka transactional.id)")]
    [StringLength(200, ErrorMessage = "{0}: must be at most {1} characters")]
    public string Name { get; set; } = "vdr-cdc";

    /// <summary>The Redis source.</summary>
    [ValidateObjectMembers]
    public RedisSourceOptions Redis { get; set; } = new();

    /// <summary>The Kafka sink.</summary>
    [ValidateObjectMembers]
    public KafkaOptions Kafka { get; set; } = new();

    /// <summary>Optional Schema Registry.</summary>
    [ValidateObjectMembers]
    public SchemaRegistryOptions SchemaRegistry { get; set; } = new();

    /// <summary>Event mapping.</summary>
    public EventOptions Events { get; set; } = new();

    /// <summary>Console log format (levels: the standard <c>Logging:LogLevel</c> section).</summary>
    public LoggingOptions Logging { get; set; } = new();

    /// <summary>Management endpoint (health, metrics) and lag measurement.</summary>
    [ValidateObjectMembers]
    public Diagnostics.ManagementOptions Management { get; set; } = new();
}
