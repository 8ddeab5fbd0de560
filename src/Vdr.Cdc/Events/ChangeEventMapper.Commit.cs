using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Pipeline;

namespace Vdr.Cdc.Events;

public sealed partial class ChangeEventMapper
{
    /// <summary>
    /// Adds the CONTROL commit marker of a transaction to every partition of every known data topic. Its source is
    /// the exclusive upper bound of what the transaction holds: during a snapshot (FULLRESYNC offset, snapshot entry,
    /// next snapshot index), while streaming (<paramref name="position"/>'s offset, streamed, index 0: the next
    /// command starts there). A consumer that has read the marker on a partition has every event below the bound
    /// that was written to that partition.
    /// </summary>
    public void AddCommitMarkers(SourcePosition position, List<OutgoingRecord> output)
    {
        var change = InSnapshot
            ? NewEvent(Op.Control, position.Db, _snapshotOffset, _snapshotOffset, _snapshotIndex, SnapshotMarker.True)
            : NewEvent(Op.Control, position.Db, position.Offset, position.Offset, 0, SnapshotMarker.False);
        change.Source.ReplicationId = position.ReplicationId;
        var topics = _router.KnownTopics.Order(StringComparer.Ordinal).ToArray();
        change.Control = new Control { Kind = ControlKind.Commit, Topics = { topics } };
        foreach (var topic in topics)
        {
            output.Add(new OutgoingRecord(topic, null, change, allPartitions: true));
        }
    }
}
