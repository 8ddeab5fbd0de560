namespace Vdr.Cdc.Events.Consuming;

/// <summary>The phase of an event at its offset, in order (see <see cref="EventPosition"/>).</summary>
public enum EventPhase
{
    /// <summary>CONTROL snapshot-begin (source.snapshot = FIRST).</summary>
    SnapshotBegin = 0,

    /// <summary>A snapshot entry or snapshot function library (source.snapshot = TRUE).</summary>
    SnapshotEntry = 1,

    /// <summary>CONTROL snapshot-end (source.snapshot = LAST).</summary>
    SnapshotEnd = 2,

    /// <summary>A streamed command (source.snapshot = FALSE or NONE).</summary>
    Stream = 3,
}
