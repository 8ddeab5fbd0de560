namespace Vdr.Cdc;

/// <summary>The Redis primary the connector replicates from (section <c>Vdr:Cdc:Redis</c>).</summary>
public sealed class RedisSourceOptions
{
    /// <summary><c>redis://[user:password@]host:port</c> (<c>rediss://</c> for TLS). Required.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>ACL user name (overrides the URL's).</summary>
    public string? Username { get; set; }

    /// <summary>Password (overrides the URL's).</summary>
    public string? Password { get; set; }

    /// <summary>How often the committed offset is acknowledged (REPLCONF ACK). Default 1 s.</summary>
    public TimeSpan AckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reconnect by itself (with backoff) after a lost connection. Default true.</summary>
    public bool Reconnect { get; set; } = true;
}
