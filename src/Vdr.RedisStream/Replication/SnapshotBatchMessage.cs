using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Replication;

/// <summary>
/// Consecutive records of the snapshot, in file order, when <see cref="RedisReplicaOptions.SnapshotBatches"/> is
/// set: the decoder's batch handed over as it is, instead of one <see cref="SnapshotRecordMessage"/> per record.
/// </summary>
/// <param name="EstimatedBytes">The records' <see cref="RdbRecordSize"/> total, as the decoder measured it.</param>
public sealed record SnapshotBatchMessage(IReadOnlyList<RdbRecord> Records, long EstimatedBytes) : ReplicationMessage;
