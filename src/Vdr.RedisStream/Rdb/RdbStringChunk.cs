namespace Vdr.RedisStream.Rdb;

/// <summary>A part of a string value starting at <paramref name="Offset"/>; int-encoded strings arrive as decimal text.</summary>
public sealed record RdbStringChunk(int Index, bool IsLast, long Offset, byte[] Bytes) : RdbRecord;
