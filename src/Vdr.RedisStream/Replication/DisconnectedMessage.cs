namespace Vdr.RedisStream.Replication;

/// <summary>The link was lost (or could not be made); the client reconnects after <paramref name="RetryIn"/>.</summary>
public sealed record DisconnectedMessage(string Reason, TimeSpan RetryIn) : ReplicationMessage;
