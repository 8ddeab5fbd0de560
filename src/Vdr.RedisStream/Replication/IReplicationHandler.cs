using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Replication;

/// <summary>
/// The callback shape of the replica (the seed's handler): the runner calls these one at a time, never
/// concurrently. Return a position from <see cref="HandleCommandsAsync"/> (or the other callbacks that get one)
/// to confirm it as processed: ACKs and resumes follow it.
/// </summary>
public interface IReplicationHandler
{
    /// <summary>init: before connecting. <paramref name="from"/> is where replication will resume (null: full sync).</summary>
    ValueTask InitAsync(ReplicationPosition? from, CancellationToken cancellationToken);

    /// <summary>replication start: the primary begins a full resync; snapshot records follow.</summary>
    ValueTask ReplicationStartAsync(FullResyncMessage fullResync, CancellationToken cancellationToken);

    /// <summary>One record of the snapshot.</summary>
    ValueTask SnapshotRecordAsync(RdbRecord record, CancellationToken cancellationToken);

    /// <summary>streaming start: after the snapshot (or a partial resync), commands follow from <paramref name="position"/>. Return it to confirm it.</summary>
    ValueTask<ReplicationPosition?> StreamingStartAsync(ReplicationPosition position, bool afterFullResync, CancellationToken cancellationToken);

    /// <summary>commands: a batch of what arrived together (<see cref="CommandMessage"/>, <see cref="TransactionMessage"/>, <see cref="HeartbeatMessage"/>). Return the last position processed, to confirm.</summary>
    ValueTask<ReplicationPosition?> HandleCommandsAsync(IReadOnlyList<ReplicationMessage> batch, CancellationToken cancellationToken);

    /// <summary>The link was lost; the runner reconnects after <see cref="DisconnectedMessage.RetryIn"/>.</summary>
    ValueTask DisconnectedAsync(DisconnectedMessage disconnected, CancellationToken cancellationToken);

    /// <summary>call: a synchronous request to the handler from outside (serialized with the callbacks above).</summary>
    ValueTask<object?> CallAsync(object request, CancellationToken cancellationToken);

    /// <summary>info: the handler's own state, for diagnostics (must be cheap and thread-safe).</summary>
    object? Info();

    /// <summary>destroy: replication ended (<paramref name="error"/> null when stopped normally).</summary>
    ValueTask DestroyAsync(Exception? error, CancellationToken cancellationToken);
}
