namespace Vdr.RedisStream.Rdb;

/// <summary>An entry of a group's pending entries list and the consumer that owns it.</summary>
public sealed record RdbStreamPendingEntry(RdbStreamId Id, long DeliveryTimeMs, ulong DeliveryCount, byte[]? Consumer);
