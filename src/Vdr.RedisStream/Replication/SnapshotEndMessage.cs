namespace Vdr.RedisStream.Replication;

/// <summary>The snapshot is complete; the command stream continues from <paramref name="Position"/>.</summary>
public sealed record SnapshotEndMessage(ReplicationPosition Position) : ReplicationMessage;
