namespace Vdr.RedisStream.Rdb;

/// <summary>Sorted set members with their scores, in the order stored (rank order for compact encodings).</summary>
public sealed record RdbSortedSetChunk(int Index, bool IsLast, IReadOnlyList<RdbScoredMember> Members) : RdbRecord;
