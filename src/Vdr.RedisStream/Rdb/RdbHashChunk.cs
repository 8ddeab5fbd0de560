namespace Vdr.RedisStream.Rdb;

/// <summary>Hash fields with their values (and field expiry, Redis 7.4+ / Valkey 9).</summary>
public sealed record RdbHashChunk(int Index, bool IsLast, IReadOnlyList<RdbHashField> Fields) : RdbRecord;
