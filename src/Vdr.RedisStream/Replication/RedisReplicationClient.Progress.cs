using Vdr.RedisStream.Psync;

namespace Vdr.RedisStream.Replication;

public sealed partial class RedisReplicationClient
{
    private readonly object _progressSync = new();
    private RdbPayloadReader? _snapshotPayload;
    private long _snapshotBytesTotal = -1;
    private long _snapshotBytesDone;
    private long _snapshotKeys;
    private DateTimeOffset? _snapshotStartedAt;

    /// <summary>Progress of the snapshot transfer (bytes read of the announced size, keys), for progress bars and metrics.</summary>
    public SnapshotProgress SnapshotProgress
    {
        get
        {
            lock (_progressSync)
            {
                var payload = _snapshotPayload;
                return new SnapshotProgress(
                    payload is not null,
                    payload?.Consumed ?? _snapshotBytesDone,
                    _snapshotBytesTotal,
                    Volatile.Read(ref _snapshotKeys),
                    _snapshotStartedAt);
            }
        }
    }

    private void BeginSnapshotProgress(RdbPayloadReader payload, long total)
    {
        lock (_progressSync)
        {
            _snapshotPayload = payload;
            _snapshotBytesTotal = total;
            _snapshotBytesDone = 0;
            _snapshotStartedAt = DateTimeOffset.UtcNow;
            Volatile.Write(ref _snapshotKeys, 0);
        }
    }

    private void EndSnapshotProgress(long length)
    {
        lock (_progressSync)
        {
            _snapshotPayload = null;
            _snapshotBytesDone = length;
            _snapshotBytesTotal = length;
        }
    }

    /// <summary>The session ended: a transfer cut off midway is no longer in progress.</summary>
    private void StopSnapshotProgress()
    {
        lock (_progressSync)
        {
            if (_snapshotPayload is { } payload)
            {
                _snapshotBytesDone = payload.Consumed;
                _snapshotPayload = null;
            }
        }
    }
}
