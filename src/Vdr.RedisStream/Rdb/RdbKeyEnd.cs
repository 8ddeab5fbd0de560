namespace Vdr.RedisStream.Rdb;

/// <summary>End of a key: how many elements (or string bytes) its chunks carried.</summary>
public sealed record RdbKeyEnd(int Db, byte[] Key, long ElementCount) : RdbRecord;
