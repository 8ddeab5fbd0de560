using Vdr.Cdc.Events.Consuming;

namespace Vdr.Cdc.Events.Materialize;

/// <summary>How <see cref="ChangeEventMaterializer"/> batches and what it does with refused changes.</summary>
public sealed class MaterializeOptions
{
    /// <summary>Most changes applied in one target write (a MULTI/EXEC unit of the source is never split). Default 2000.</summary>
    public int MaxBatchChanges { get; set; } = 2000;

    /// <summary>
    /// Where refused changes go instead of stopping the materializer (e.g. a dead-letter topic). It must have stored
    /// the record durably when the task completes. Null (default): a refused change stops with
    /// <see cref="ChangeEventRecordException"/>.
    /// </summary>
    public Func<DecodedRecord, RecordProblem, string, CancellationToken, ValueTask>? DeadLetter { get; set; }
}
