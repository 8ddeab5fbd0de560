using Vdr.Cdc.Events.V1;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Diagnostics;

/// <summary>
/// The live state of one connector, read by health checks, metrics and progress displays: the replication link
/// (state, snapshot progress, spool), the last Kafka commit, the primary's offset and the heartbeat lag. Written by
/// the connector's own tasks, read from any thread.
/// </summary>
public sealed partial class CdcTelemetry
{
    private readonly object _sync = new();
    private readonly TimeProvider _time;
    private readonly Queue<(long Offset, long WrittenMs)> _heartbeats = new();
    private RedisReplicationClient? _client;
    private ProgressRecord? _committed;
    private DateTimeOffset? _committedAt;
    private DateTimeOffset? _sessionStartedAt;
    private long _primaryOffset = -1;
    private DateTimeOffset? _primaryOffsetAt;
    private double? _heartbeatLagMs;
    private long _expectedSnapshotKeys = -1;
    private DateTimeOffset? _expectedKeysFor;

    public CdcTelemetry(string connector, TimeProvider? time = null)
    {
        Connector = connector;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The connector name (the <c>connector</c> label of every series).</summary>
    public string Connector { get; }

    /// <summary>True once Kafka transactions are initialised and the first replication session has started.</summary>
    public bool Started => Volatile.Read(ref _client) is not null;

    /// <summary>Step of the replication link; <see cref="ReplicationState.Init"/> before the first session.</summary>
    public ReplicationState ReplicationState => Volatile.Read(ref _client)?.State ?? ReplicationState.Init;

    /// <summary>Snapshot transfer progress of the current session's client.</summary>
    public SnapshotProgress SnapshotProgress => Volatile.Read(ref _client)?.SnapshotProgress ?? default;

    /// <summary>Bytes received from Redis and not yet decoded (memory and spill file).</summary>
    public long SpooledBytes => Volatile.Read(ref _client)?.SpooledBytes ?? 0;

    /// <summary>Largest spill file size of the current connection.</summary>
    public long PeakSpilledBytes => Volatile.Read(ref _client)?.PeakSpilledBytes ?? 0;

    /// <summary>The position received from Redis (end of the last complete message), -1 before any.</summary>
    public long ReceivedOffset => Volatile.Read(ref _client)?.Offset ?? -1;

    /// <summary>Endpoint of the Redis node replicated from (null when not connected).</summary>
    public string? ConnectedEndpoint => Volatile.Read(ref _client)?.ConnectedEndpoint;

    /// <summary>The last progress record committed to Kafka (by this run, or read from the progress topic at start).</summary>
    public ProgressRecord? LastCommitted
    {
        get
        {
            lock (_sync)
            {
                return _committed;
            }
        }
    }

    /// <summary>When this run last committed (null before its first commit).</summary>
    public DateTimeOffset? LastCommitAt
    {
        get
        {
            lock (_sync)
            {
                return _committedAt;
            }
        }
    }

    /// <summary>The replication offset committed to Kafka, -1 before the first commit.</summary>
    public long CommittedOffset => LastCommitted?.Offset ?? -1;

    /// <summary>The primary's <c>master_repl_offset</c> at the last poll, -1 when unknown.</summary>
    public long PrimaryOffset => Interlocked.Read(ref _primaryOffset);

    /// <summary>When <see cref="PrimaryOffset"/> was read.</summary>
    public DateTimeOffset? PrimaryOffsetAt
    {
        get
        {
            lock (_sync)
            {
                return _primaryOffsetAt;
            }
        }
    }

    /// <summary>Primary offset − committed offset (never negative); null until both are known.</summary>
    public long? LagBytes
    {
        get
        {
            var primary = PrimaryOffset;
            var committed = CommittedOffset;
            return primary >= 0 && committed >= 0 ? Math.Max(0, primary - committed) : null;
        }
    }

    /// <summary>Commit time − written time of the last heartbeat committed; null without heartbeats.</summary>
    public double? HeartbeatLagMs
    {
        get
        {
            lock (_sync)
            {
                return _heartbeatLagMs;
            }
        }
    }

    /// <summary>Keys the primary reported (<c>INFO keyspace</c>) when the current snapshot started, -1 when unknown.</summary>
    public long ExpectedSnapshotKeys => Interlocked.Read(ref _expectedSnapshotKeys);

    /// <summary>
    /// A new replication session (and its client) started; Kafka is initialised by then and
    /// <paramref name="committed"/> is the position the session resumes from (null: full synchronisation).
    /// </summary>
    internal void AttachClient(RedisReplicationClient client, ProgressRecord? committed)
    {
        lock (_sync)
        {
            _sessionStartedAt = _time.GetUtcNow();
            _committed ??= committed;
        }

        Volatile.Write(ref _client, client);
    }

    /// <summary>A transaction was committed (the pipeline's Committed event).</summary>
    internal void OnCommitted(ProgressRecord progress)
    {
        RecordKeysAtCommit();
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            _committed = progress;
            _committedAt = now;
            long? written = null;
            while (_heartbeats.TryPeek(out var beat) && beat.Offset <= progress.Offset)
            {
                written = _heartbeats.Dequeue().WrittenMs;
            }

            if (written is { } ms)
            {
                _heartbeatLagMs = Math.Max(0, now.ToUnixTimeMilliseconds() - ms);
            }
        }
    }

    /// <summary>The heartbeat written at <paramref name="writtenMs"/> arrived through replication, ending at <paramref name="offset"/>.</summary>
    internal void OnHeartbeatReceived(long offset, long writtenMs)
    {
        lock (_sync)
        {
            if (_heartbeats.Count >= 1024)
            {
                _heartbeats.Dequeue();
            }

            _heartbeats.Enqueue((offset, writtenMs));
        }
    }

    internal void SetPrimaryOffset(long offset)
    {
        Interlocked.Exchange(ref _primaryOffset, offset);
        lock (_sync)
        {
            _primaryOffsetAt = _time.GetUtcNow();
        }
    }

    /// <summary>Records the key count reported for the snapshot that started at <paramref name="snapshotStartedAt"/>.</summary>
    internal void SetExpectedSnapshotKeys(DateTimeOffset snapshotStartedAt, long keys)
    {
        lock (_sync)
        {
            _expectedKeysFor = snapshotStartedAt;
        }

        Interlocked.Exchange(ref _expectedSnapshotKeys, keys);
    }

    /// <summary>True when the key count of the snapshot that started at <paramref name="snapshotStartedAt"/> is still to be read.</summary>
    internal bool NeedsExpectedSnapshotKeys(DateTimeOffset snapshotStartedAt)
    {
        lock (_sync)
        {
            return _expectedKeysFor != snapshotStartedAt;
        }
    }
}
