namespace Vdr.RedisStream.Rdb;

/// <summary>One item read from an RDB snapshot, in file order.</summary>
public abstract record RdbRecord;
