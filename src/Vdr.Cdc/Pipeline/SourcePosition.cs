namespace Vdr.Cdc.Pipeline;

/// <summary>
/// A position in a Redis replication stream: replication id, offset (bytes after the snapshot, as Redis counts
/// master_repl_offset) and the database selected there.
/// </summary>
public readonly record struct SourcePosition(string ReplicationId, long Offset, int Db);
