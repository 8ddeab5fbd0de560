namespace Vdr.RedisStream.Replication;

/// <summary>
/// A MULTI ... EXEC unit (the commands exclude MULTI and EXEC); <paramref name="StartOffset"/> is the offset of
/// MULTI's first byte and <paramref name="Position"/> is right after EXEC.
/// </summary>
public sealed record TransactionMessage(int Db, IReadOnlyList<CommandMessage> Commands, long StartOffset, ReplicationPosition Position) : ReplicationMessage
{
    /// <summary>Offset right after the MULTI frame.</summary>
    public long MultiEndOffset { get; init; }

    /// <summary>Offset of the first byte of the EXEC frame.</summary>
    public long ExecStartOffset { get; init; }
}
