namespace Vdr.RedisStream.Rdb;

/// <summary>Consecutive list elements, in list order.</summary>
public sealed record RdbListChunk(int Index, bool IsLast, IReadOnlyList<byte[]> Items) : RdbRecord;
