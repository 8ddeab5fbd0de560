namespace Vdr.RedisStream.Replication;

/// <summary>
/// The position advanced through PING, REPLCONF GETACK or SELECT only (no data). Coalesced: at most one per read
/// batch, so a consumer can confirm progress without data commands.
/// </summary>
public sealed record HeartbeatMessage(ReplicationPosition Position) : ReplicationMessage;
