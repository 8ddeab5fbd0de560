namespace Vdr.RedisStream.Replication;

/// <summary>The primary starts a full synchronisation at <paramref name="Offset"/>: a snapshot follows.</summary>
public sealed record FullResyncMessage(string ReplicationId, long Offset) : ReplicationMessage;
