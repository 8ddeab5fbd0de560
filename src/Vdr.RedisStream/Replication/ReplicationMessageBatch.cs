namespace Vdr.RedisStream.Replication;

/// <summary>Several messages in one channel item (snapshot records); the client hands them out one by one.</summary>
internal sealed record ReplicationMessageBatch(IReadOnlyList<ReplicationMessage> Messages) : ReplicationMessage;
