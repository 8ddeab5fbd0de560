namespace Vdr.RedisStream.Rdb;

/// <summary>Size hints for the current database.</summary>
public sealed record RdbResizeDb(ulong DbSize, ulong ExpiresSize) : RdbRecord;
