namespace Vdr.RedisStream.Rdb;

/// <summary>A consumer group: name, last delivered id, entries read (RDB 10+), pending entries list, consumers.</summary>
public sealed record RdbStreamGroup(
    byte[] Name,
    RdbStreamId LastDeliveredId,
    long? EntriesRead,
    IReadOnlyList<RdbStreamPendingEntry> Pending,
    IReadOnlyList<RdbStreamConsumer> Consumers);
