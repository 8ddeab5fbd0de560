using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Replication;

/// <summary>Settings of a <see cref="RedisReplicationClient"/>.</summary>
public sealed class RedisReplicaOptions
{
    /// <summary><c>redis://[user:password@]host:port</c>, or <c>rediss://</c> for TLS.</summary>
    public required string Url { get; set; }

    /// <summary>ACL user; overrides the URL's.</summary>
    public string? Username { get; set; }

    /// <summary>Password; overrides the URL's.</summary>
    public string? Password { get; set; }

    /// <summary>PEM file of the certificate authority that signs the server certificate (a custom trust root).</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS (with <see cref="TlsClientKeyFile"/>).</summary>
    public string? TlsClientCertFile { get; set; }

    /// <summary>PEM private key of the client certificate.</summary>
    public string? TlsClientKeyFile { get; set; }

    /// <summary>Name expected in the server certificate (and sent as SNI); defaults to the URL host.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Accept any server certificate. For tests only: it removes TLS's protection against impersonation.</summary>
    public bool TlsInsecure { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The link is considered dead when nothing at all arrives for this long (the primary pings every 10 s).</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Interval of <c>REPLCONF ACK</c> (and of newline keepalives during the snapshot).</summary>
    public TimeSpan AckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reconnect (with backoff) after a transient failure; false makes the first failure final.</summary>
    public bool Reconnect { get; set; } = true;

    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Port announced with <c>REPLCONF listening-port</c> (shown in the primary's INFO; Sentinel may probe it). 0 announces none.</summary>
    public int ListeningPort { get; set; }

    /// <summary>Folder of the spill file of the socket drain (default: the system temp folder).</summary>
    public string? SpoolDirectory { get; set; }

    /// <summary>Cap of the spill file; when reached the link fails with <see cref="SpoolFullException"/>.</summary>
    public long SpoolMaxBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Bytes held in memory by the socket drain before it spills to the file.</summary>
    public long SpoolMemoryBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// Messages decoded ahead of the consumer (the spool holds the rest as raw bytes). A snapshot chunk holds up
    /// to <see cref="RdbReaderOptions.MaxChunkBytes"/>, so decoded memory is bounded by about this times that
    /// (64 MiB with the defaults), whatever the dataset size.
    /// </summary>
    public int MessageBufferCapacity { get; set; } = 64;

    /// <summary>
    /// Deliver the snapshot as <see cref="SnapshotBatchMessage"/>s (up to 128 records each) instead of one
    /// <see cref="SnapshotRecordMessage"/> per record: for consumers that handle records in bulk (the connector),
    /// it saves a message object and an iterator step per record.
    /// </summary>
    public bool SnapshotBatches { get; set; }

    /// <summary>Sentinel endpoints ("host:port"). When set with <see cref="SentinelMasterName"/>, the primary is asked from them on every (re)connect.</summary>
    public IList<string> Sentinels { get; } = [];

    /// <summary>Name of the monitored primary, as configured in Sentinel.</summary>
    public string? SentinelMasterName { get; set; }

    /// <summary>Password for the Sentinels (they may differ from the data nodes).</summary>
    public string? SentinelPassword { get; set; }

    public RdbReaderOptions Rdb { get; set; } = new();

    /// <summary>Applied to every command before delivery (null: everything is delivered). See <see cref="Replication.CommandFilter"/>.</summary>
    public CommandFilter? CommandFilter { get; set; }
}
