using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Replication;

/// <summary>One record of the snapshot (key start, value chunks, key end, aux fields, ...).</summary>
public sealed record SnapshotRecordMessage(RdbRecord Record) : ReplicationMessage;
