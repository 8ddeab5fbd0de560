namespace Vdr.RedisStream.Replication;

/// <summary>A MULTI ... EXEC unit (the commands exclude MULTI and EXEC); <paramref name="Position"/> is right after EXEC.</summary>
public sealed record TransactionMessage(int Db, IReadOnlyList<CommandMessage> Commands, long StartOffset, ReplicationPosition Position) : ReplicationMessage;
