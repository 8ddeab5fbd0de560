namespace Vdr.RedisStream.Rdb;

/// <summary>An AUX field (redis-ver, ctime, used-mem, repl-id, ...).</summary>
public sealed record RdbAux(byte[] Key, byte[] Value) : RdbRecord;
