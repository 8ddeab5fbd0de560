using Vdr.Cdc.Events.Consuming;

namespace Vdr.Cdc.Events.Materialize;

/// <summary>
/// Where <see cref="ChangeEventMaterializer"/> applies events: a store that can write a batch of changes and the
/// checkpoint covering them in one atomic unit (a Redis MULTI/EXEC, a database transaction...).
/// </summary>
public interface IMaterializeTarget
{
    /// <summary>The checkpoint stored with the data, or null when the target was never written.</summary>
    ValueTask<MaterializeCheckpoint?> LoadCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="changes"/> in order (source order; copies of one command on other partitions already
    /// removed) and stores <paramref name="checkpoint"/> in the same atomic unit. Changes the target refuses are
    /// reported in the result: when it could refuse them before writing anything, <see cref="MaterializeResult.Stored"/>
    /// is false and nothing was written.
    /// </summary>
    ValueTask<MaterializeResult> ApplyAsync(IReadOnlyList<DecodedRecord> changes, MaterializeCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Remembers, in the target, that a stored batch contained a change it refused and that was not dead-lettered: the
    /// target is no longer an exact copy, and <see cref="LoadCheckpointAsync"/> must refuse to continue until someone
    /// has looked at it.
    /// </summary>
    ValueTask RecordFailureAsync(string description, CancellationToken cancellationToken);
}
