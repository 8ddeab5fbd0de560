namespace Vdr.RedisStream.Rdb;

/// <summary>A sorted set member and its score.</summary>
public readonly record struct RdbScoredMember(byte[] Member, double Score);
