namespace Vdr.RedisStream.Replication;

/// <summary>Where the replica link is in its life; readable at any time through <see cref="RedisReplicationClient.State"/>.</summary>
public enum ReplicationState
{
    Init,
    Connecting,
    Ping,
    Auth,
    ReplconfListeningPort,
    ReplconfCapa,
    Psync,
    RdbTransfer,
    Streaming,
    Disconnected,
    Stopped,
}
