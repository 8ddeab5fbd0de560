namespace Vdr.RedisStream.Rdb;

/// <summary>Consecutive stream entries (deleted entries are not included).</summary>
public sealed record RdbStreamEntriesChunk(int Index, bool IsLast, IReadOnlyList<RdbStreamEntry> Entries) : RdbRecord;
