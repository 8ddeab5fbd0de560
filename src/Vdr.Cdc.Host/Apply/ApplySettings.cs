namespace Vdr.Cdc.Host.Apply;

/// <summary>What <c>vdr-cdc apply</c> was asked to do.</summary>
internal sealed record ApplySettings
{
    public required string Bootstrap { get; init; }

    public required string TopicPrefix { get; init; }

    public required string RedisUrl { get; init; }

    /// <summary>Names the consumer group (<c>vdr-cdc-apply-&lt;name&gt;</c>) and the state hash.</summary>
    public string Name { get; init; } = "default";

    /// <summary>Exit once nothing new arrived for this long and nothing is left to apply.</summary>
    public TimeSpan? ExitWhenIdle { get; init; }

    /// <summary>Refused records go there (with headers saying why) instead of stopping apply.</summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>The hash holding the checkpoint in the target (default <c>vdr-cdc:apply:&lt;name&gt;</c>).</summary>
    public string? StateKey { get; init; }

    /// <summary>The database of the state hash.</summary>
    public int StateDb { get; init; }

    /// <summary>Most changes per target MULTI/EXEC.</summary>
    public int MaxBatch { get; init; } = 2000;

    public string EffectiveStateKey => StateKey ?? "vdr-cdc:apply:" + Name;
}
