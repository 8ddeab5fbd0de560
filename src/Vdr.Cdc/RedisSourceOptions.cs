using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vdr.Cdc.Configuration;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc;

/// <summary>The Redis primary the connector replicates from (section <c>Vdr:Cdc:Redis</c>).</summary>
public sealed class RedisSourceOptions
{
    /// <summary><c>redis://[user:password@]host:port</c> (<c>rediss://</c> for TLS). Required; with Sentinel, the host is replaced by the primary Sentinel reports.</summary>
    [Required(ErrorMessage = "{0}: is required: the source Redis, e.g. redis://host:6379 (rediss:// for TLS)")]
    public string Url { get; set; } = string.Empty;

    /// <summary>ACL user name (overrides the URL's).</summary>
    public string? Username { get; set; }

    /// <summary>Password (overrides the URL's). Prefer <see cref="PasswordFile"/>.</summary>
    public string? Password { get; set; }

    /// <summary>File holding the password (a Kubernetes secret mounted as a file), read at start; one trailing newline is ignored.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>CA certificate file (PEM) for TLS.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Client certificate file (PEM) for mutual TLS.</summary>
    public string? TlsClientCertFile { get; set; }

    /// <summary>Client key file (PEM) for mutual TLS.</summary>
    public string? TlsClientKeyFile { get; set; }

    /// <summary>Name expected in the server certificate (and sent as SNI); default: the URL's host.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Skip server certificate validation (testing only).</summary>
    public bool TlsInsecure { get; set; }

    /// <summary>Sentinel endpoints (<c>host:port</c>); with <see cref="SentinelMasterName"/>, the primary is asked from them on every (re)connect.</summary>
    public List<string> Sentinels { get; set; } = [];

    /// <summary>Name of the monitored primary, as configured in Sentinel.</summary>
    public string? SentinelMasterName { get; set; }

    /// <summary>Password of the Sentinels (they may differ from the data nodes).</summary>
    public string? SentinelPassword { get; set; }

    /// <summary>File holding the Sentinel password, read at start; one trailing newline is ignored.</summary>
    public string? SentinelPasswordFile { get; set; }

    /// <summary>Timeout of a connection attempt (TCP, TLS, AUTH). Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the committed offset is acknowledged (REPLCONF ACK). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan AckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reconnect by itself (with backoff) after a lost connection. Default true.</summary>
    public bool Reconnect { get; set; } = true;

    /// <summary>First reconnect delay; it doubles on each failed attempt up to <see cref="ReconnectMaxDelay"/>. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest reconnect delay. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Directory of the spool file where the replication stream waits when Kafka is slower than Redis (system temp folder when unset).</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>Bytes of the stream held in memory before it spills to the spool file. Default 32 MiB.</summary>
    [Range(64L * 1024, 1L << 36)]
    public long SpoolMemoryBytes { get; set; } = 32L << 20;

    /// <summary>Cap of the spool file; when reached the link is dropped (and resumed by PSYNC later). Default 4 GiB.</summary>
    [Range(0L, 1L << 40)]
    public long SpoolMaxBytes { get; set; } = 4L << 30;

    /// <summary>Which keys and commands become events.</summary>
    public SourceFilterOptions Filter { get; set; } = new();

    /// <summary>The password to use: <see cref="Password"/>, else the content of <see cref="PasswordFile"/>, else null (the URL's).</summary>
    public string? ResolvePassword() => Password ?? SecretFile.ReadOptional(PasswordFile);

    /// <summary>The replication client's options for these settings (password files are read here).</summary>
    public RedisReplicaOptions ToReplicaOptions()
    {
        var options = new RedisReplicaOptions
        {
            Url = Url,
            Username = Username,
            Password = ResolvePassword(),
            TlsCaFile = TlsCaFile,
            TlsClientCertFile = TlsClientCertFile,
            TlsClientKeyFile = TlsClientKeyFile,
            TlsServerName = TlsServerName,
            TlsInsecure = TlsInsecure,
            ConnectTimeout = ConnectTimeout,
            AckInterval = AckInterval,
            Reconnect = Reconnect,
            ReconnectInitialDelay = ReconnectInitialDelay,
            ReconnectMaxDelay = ReconnectMaxDelay,
            SpoolDirectory = SpoolDirectory,
            SpoolMemoryBytes = SpoolMemoryBytes,
            SpoolMaxBytes = SpoolMaxBytes,
            SentinelMasterName = SentinelMasterName,
            SentinelPassword = SentinelPassword ?? SecretFile.ReadOptional(SentinelPasswordFile),

            // Snapshot string parts and collection chunks become one Kafka record each: keep them well inside the
            // default maximum record size (librdkafka message.max.bytes 1,000,000; brokers 1,048,588), envelope included.
            Rdb = new RdbReaderOptions { MaxChunkBytes = 512 * 1024 },
        };
        foreach (var sentinel in Sentinels)
        {
            options.Sentinels.Add(sentinel);
        }

        return options;
    }
}
