using Vdr.RedisStream.Replication;

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

    /// <summary>CA certificate file (PEM) for TLS.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Client certificate file (PEM) for mutual TLS.</summary>
    public string? TlsClientCertFile { get; set; }

    /// <summary>Client key file (PEM) for mutual TLS.</summary>
    public string? TlsClientKeyFile { get; set; }

    /// <summary>Skip server certificate validation (testing only).</summary>
    public bool TlsInsecure { get; set; }

    /// <summary>How often the committed offset is acknowledged (REPLCONF ACK). Default 1 s.</summary>
    public TimeSpan AckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reconnect by itself (with backoff) after a lost connection. Default true.</summary>
    public bool Reconnect { get; set; } = true;

    /// <summary>Directory where the replication stream is spooled when Kafka is slower than Redis (memory only when unset).</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>The replication client's options for these settings.</summary>
    public RedisReplicaOptions ToReplicaOptions() => new()
    {
        Url = Url,
        Username = Username,
        Password = Password,
        TlsCaFile = TlsCaFile,
        TlsClientCertFile = TlsClientCertFile,
        TlsClientKeyFile = TlsClientKeyFile,
        TlsInsecure = TlsInsecure,
        AckInterval = AckInterval,
        Reconnect = Reconnect,
        SpoolDirectory = SpoolDirectory,
    };
}
