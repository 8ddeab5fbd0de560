namespace Vdr.RedisStream.Rdb;

/// <summary>Start of a key. One or more value chunks follow, then <see cref="RdbKeyEnd"/>.</summary>
public sealed record RdbKeyStart(
    int Db,
    byte[] Key,
    RdbValueType Type,
    RdbEncoding Encoding,
    long? ExpireAtMs,
    long? IdleSeconds,
    int? Frequency) : RdbRecord;
