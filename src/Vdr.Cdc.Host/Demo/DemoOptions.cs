namespace Vdr.Cdc.Host.Demo;

/// <summary>What <c>vdr-cdc demo</c> was asked to do.</summary>
internal sealed record DemoOptions
{
    /// <summary>Stop by itself after this long once everything runs (null: until Ctrl-C/SIGTERM).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The redis-server binary to start (null: look on PATH).</summary>
    public string? RedisServerPath { get; init; }

    /// <summary>Write the sample changes every <see cref="WriteInterval"/> (false: only the initial dataset).</summary>
    public bool SampleWrites { get; init; } = true;

    /// <summary>Pause between two rounds of sample changes.</summary>
    public TimeSpan WriteInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Topic prefix: events go to <c>&lt;prefix&gt;.db0</c>, progress to <c>&lt;prefix&gt;.progress</c>.</summary>
    public string TopicPrefix { get; init; } = "demo";

    /// <summary>Show the connector's Information logs (default: warnings and errors only).</summary>
    public bool Verbose { get; init; }
}
