namespace Vdr.RedisStream.Rdb;

/// <summary>A consumer of a group: name, seen time, active time (RDB 12+), and the ids it has pending.</summary>
public sealed record RdbStreamConsumer(byte[] Name, long SeenTimeMs, long? ActiveTimeMs, IReadOnlyList<RdbStreamId> Pending);
