namespace Vdr.RedisStream.Rdb;

/// <summary>Cluster slot size hints (RDB 12+).</summary>
public sealed record RdbSlotInfo(ulong SlotId, ulong SlotSize, ulong ExpiresSlotSize) : RdbRecord;
