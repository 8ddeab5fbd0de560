namespace Vdr.RedisStream.Rdb;

/// <summary>A stream's metadata and consumer groups; comes after its entries.</summary>
public sealed record RdbStreamMetadata(
    ulong Length,
    RdbStreamId LastId,
    RdbStreamId FirstId,
    RdbStreamId MaxDeletedId,
    ulong EntriesAdded,
    IReadOnlyList<RdbStreamGroup> Groups) : RdbRecord;
