namespace Vdr.RedisStream.Replication;

/// <summary>One item of the replication stream as delivered to the consumer.</summary>
public abstract record ReplicationMessage;
