namespace Vdr.RedisStream.Replication;

/// <summary>Partial resynchronisation accepted: commands follow from <paramref name="Offset"/> (possibly under a new replication id).</summary>
public sealed record ContinueMessage(string ReplicationId, long Offset) : ReplicationMessage;
