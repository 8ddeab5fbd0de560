using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Replication;

/// <summary>
/// Consecutive records of the snapshot, in file order, when <see cref="RedisReplicaOptions.SnapshotBatches"/> is
/// set: the decoder's batch handed over as it is, instead of one <see cref="SnapshotRecordMessage"/> per record.
/// </summary>
public sealed record SnapshotBatchMessage(IReadOnlyList<RdbRecord> Records) : ReplicationMessage;
