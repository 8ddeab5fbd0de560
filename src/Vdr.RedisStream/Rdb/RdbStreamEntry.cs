namespace Vdr.RedisStream.Rdb;

/// <summary>One stream entry: its id and its field/value pairs.</summary>
public sealed record RdbStreamEntry(RdbStreamId Id, IReadOnlyList<KeyValuePair<byte[], byte[]>> Fields);
