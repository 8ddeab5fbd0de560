namespace Vdr.RedisStream.Rdb;

/// <summary>Set members.</summary>
public sealed record RdbSetChunk(int Index, bool IsLast, IReadOnlyList<byte[]> Members) : RdbRecord;
