using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Pipeline;

/// <summary>
/// What the connector consumes: the messages of a replication session (full resync or continue, snapshot records,
/// commands and MULTI/EXEC units, position-only heartbeats, disconnects). The replication client's messages are
/// adapted to these, which keeps mapping, batching and the Kafka sink testable with constructed input.
/// </summary>
public abstract record SourceMessage
{
    /// <summary>+FULLRESYNC: a snapshot follows; <paramref name="Offset"/> is its point in the stream.</summary>
    public sealed record FullResync(string ReplicationId, long Offset) : SourceMessage;

    /// <summary>+CONTINUE: the stream resumes after <paramref name="Position"/>.</summary>
    public sealed record Continue(SourcePosition Position) : SourceMessage;

    /// <summary>One record of the snapshot (key start, value chunk, key end, aux, function...).</summary>
    public sealed record Snapshot(RdbRecord Record) : SourceMessage;

    /// <summary>
    /// Consecutive records of the snapshot, in file order (a source that reads them in bulk hands them over so), with
    /// an upper bound of their <see cref="RdbRecordSize"/> total.
    /// </summary>
    public sealed record SnapshotBatch(IReadOnlyList<RdbRecord> Records, long EstimatedBytes) : SourceMessage;

    /// <summary>The snapshot is complete; the stream continues from <paramref name="Position"/>.</summary>
    public sealed record SnapshotEnd(SourcePosition Position) : SourceMessage;

    /// <summary>
    /// One replicated command: <paramref name="Args"/>[0] is its name as sent; <paramref name="StartOffset"/> the offset
    /// of its first byte; <paramref name="Position"/> the position right after it.
    /// </summary>
    public sealed record Command(int Db, IReadOnlyList<byte[]> Args, long StartOffset, SourcePosition Position) : SourceMessage;

    /// <summary>A MULTI ... EXEC unit (without MULTI and EXEC); <paramref name="Position"/> is after EXEC.</summary>
    public sealed record Transaction(int Db, IReadOnlyList<Command> Commands, long StartOffset, SourcePosition Position) : SourceMessage;

    /// <summary>The position advanced without data (PING, SELECT, REPLCONF GETACK).</summary>
    public sealed record Heartbeat(SourcePosition Position) : SourceMessage;

    /// <summary>The connection was lost; the source reconnects by itself from the last processed position.</summary>
    public sealed record Disconnected(string Reason) : SourceMessage;
}
