using System.Globalization;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events.Consuming;

/// <summary>
/// Where an event sits in the source's history, with a total order over all events of one connector (see the
/// comment at the end of <c>proto/vdr/cdc/v1/source.proto</c>): snapshot epoch, replication offset, the phase at
/// that offset (snapshot begin &lt; snapshot entries &lt; snapshot end &lt; streamed commands), then the index among
/// the events of one offset. The replication id is not part of it: offsets keep increasing across a replication id
/// change within an epoch, and a new history starts a new epoch.
/// </summary>
public readonly record struct EventPosition(ulong Epoch, long Offset, EventPhase Phase, uint Index) : IComparable<EventPosition>
{
    /// <summary>Below every position.</summary>
    public static EventPosition Min { get; } = new(0, long.MinValue, EventPhase.SnapshotBegin, 0);

    /// <summary>The position of an event from its source.</summary>
    public static EventPosition Of(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var phase = source.Snapshot switch
        {
            SnapshotMarker.First => EventPhase.SnapshotBegin,
            SnapshotMarker.True => EventPhase.SnapshotEntry,
            SnapshotMarker.Last => EventPhase.SnapshotEnd,
            _ => EventPhase.Stream,
        };
        return new EventPosition(source.SnapshotEpoch, source.Offset, phase, source.Index);
    }

    /// <summary>The last position of the command at this epoch/offset/phase (covers every copy of one command).</summary>
    public EventPosition LastOfCommand => this with { Index = uint.MaxValue };

    /// <summary>True when both positions belong to one source command (same epoch, offset and phase).</summary>
    public bool SameCommand(EventPosition other) => Epoch == other.Epoch && Offset == other.Offset && Phase == other.Phase;

    public int CompareTo(EventPosition other)
    {
        var c = Epoch.CompareTo(other.Epoch);
        if (c != 0)
        {
            return c;
        }

        c = Offset.CompareTo(other.Offset);
        if (c != 0)
        {
            return c;
        }

        c = Phase.CompareTo(other.Phase);
        return c != 0 ? c : Index.CompareTo(other.Index);
    }

    public static bool operator <(EventPosition left, EventPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(EventPosition left, EventPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventPosition left, EventPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventPosition left, EventPosition right) => left.CompareTo(right) >= 0;

    /// <summary><c>epoch:offset:phase:index</c> (phase as its number), the form stored in checkpoints.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Epoch}:{Offset}:{(int)Phase}:{Index}");

    /// <summary>Parses <see cref="ToString"/>'s form.</summary>
    public static EventPosition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 4
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var phase) || !Enum.IsDefined((EventPhase)phase)
            || !uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new FormatException($"'{text}' is not an event position (epoch:offset:phase:index)");
        }

        return new EventPosition(epoch, offset, (EventPhase)phase, index);
    }
}
