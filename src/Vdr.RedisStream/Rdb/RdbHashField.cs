namespace Vdr.RedisStream.Rdb;

/// <summary>A hash field, its value, and its absolute expiry in Unix ms when it has one.</summary>
public readonly record struct RdbHashField(byte[] Field, byte[] Value, long? ExpireAtMs);
