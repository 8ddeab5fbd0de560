namespace Vdr.RedisStream.Rdb;

/// <summary>The keys that follow belong to this database.</summary>
public sealed record RdbSelectDb(int Db) : RdbRecord;
