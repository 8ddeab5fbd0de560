namespace Vdr.RedisStream.Replication;

/// <summary>
/// One replicated command. <paramref name="Args"/>[0] is the command name as sent (any case).
/// <paramref name="Position"/> is right after the command (the value to resume from); <paramref name="StartOffset"/>
/// is the offset of its first byte.
/// </summary>
public sealed record CommandMessage(int Db, IReadOnlyList<byte[]> Args, long StartOffset, ReplicationPosition Position) : ReplicationMessage;
