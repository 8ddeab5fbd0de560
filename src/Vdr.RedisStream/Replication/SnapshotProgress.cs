namespace Vdr.RedisStream.Replication;

/// <summary>
/// How far the snapshot transfer of the current (or last) full resync has come, read at any time through
/// <see cref="RedisReplicationClient.SnapshotProgress"/>.
/// </summary>
/// <param name="InProgress">True between the transfer header and the end of the payload.</param>
/// <param name="BytesRead">Payload bytes decoded so far.</param>
/// <param name="BytesTotal">Payload size announced by a disk-based transfer (<c>$&lt;len&gt;</c>); -1 for a diskless one (<c>$EOF:</c>), whose size is known only at its end.</param>
/// <param name="Keys">Keys decoded so far.</param>
/// <param name="StartedAt">When the transfer header arrived (UTC); null before the first snapshot.</param>
public readonly record struct SnapshotProgress(bool InProgress, long BytesRead, long BytesTotal, long Keys, DateTimeOffset? StartedAt);
