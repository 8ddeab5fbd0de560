namespace Vdr.RedisStream.Rdb;

/// <summary>The file header: magic ("REDIS" or "VALKEY") and RDB version.</summary>
public sealed record RdbHeader(string Magic, int Version) : RdbRecord;
