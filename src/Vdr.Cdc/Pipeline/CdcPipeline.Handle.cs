using Vdr.Cdc.Diagnostics;
using Vdr.Cdc.Events;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Pipeline;

public sealed partial class CdcPipeline
{
    /// <summary>Maps one message, writes its records, moves the pending position. Returns true when it must be committed at once.</summary>
    private async ValueTask<bool> HandleAsync(SourceMessage message, IChangeSource source, ChangeEventMapper mapper, SessionState state, CancellationToken cancellationToken)
    {
        _records.Clear();
        var forceCommit = false;
        SourcePosition? position = null;
        switch (message)
        {
            case SourceMessage.FullResync resync:
                if (state.Dirty)
                {
                    // Changes of the previous stream are committed before the new snapshot starts.
                    await CommitAsync(source, state, cancellationToken).ConfigureAwait(false);
                }

                state.Epoch++;
                state.Phase = Phase.Snapshot;
                mapper.SnapshotEpoch = state.Epoch;
                mapper.BeginSnapshot(resync.ReplicationId, resync.Offset, _records);
                position = new SourcePosition(resync.ReplicationId, resync.Offset, 0);
                break;
            case SourceMessage.Continue resumed:
                mapper.ReplicationId = resumed.Position.ReplicationId;
                position = resumed.Position;
                break;
            case SourceMessage.Snapshot snapshot:
                mapper.MapSnapshot(snapshot.Record, _records);
                break;
            case SourceMessage.SnapshotBatch snapshot:
                for (var i = 0; i < snapshot.Records.Count; i++)
                {
                    mapper.MapSnapshot(snapshot.Records[i], _records);
                }

                break;
            case SourceMessage.SnapshotEnd end:
                mapper.EndSnapshot(_records);
                Log.SnapshotFinished(_logger, state.Epoch, mapper.SnapshotKeys, _sink.CommittedEvents + (ulong)_sink.PendingEvents + (ulong)_records.Count);
                state.Phase = Phase.Streaming;
                mapper.ReplicationId = end.Position.ReplicationId;
                position = end.Position;
                forceCommit = true;
                break;
            case SourceMessage.Command command:
                mapper.MapCommand(command, inTransaction: false, _records);
                position = command.Position;
                break;
            case SourceMessage.Transaction transaction:
                foreach (var command in transaction.Commands)
                {
                    mapper.MapCommand(command, inTransaction: true, _records);
                }

                position = transaction.Position;
                break;
            case SourceMessage.Heartbeat heartbeat:
                position = heartbeat.Position;
                break;
            case SourceMessage.Disconnected disconnected:
                Log.Disconnected(_logger, disconnected.Reason);
                break;
        }

        if (_records.Count > 0)
        {
            await _sink.WriteAsync(_records, cancellationToken).ConfigureAwait(false);
            // Tags are built only while someone listens (the hot path of a snapshot otherwise pays for them per event).
            for (var i = 0; i < _records.Count && CdcMetrics.Events.Enabled; i++)
            {
                var record = _records[i];
                CdcMetrics.Events.Add(1, new KeyValuePair<string, object?>("op", record.Op?.ToString() ?? "Tombstone"), new KeyValuePair<string, object?>("topic", record.Topic));
            }

            MarkDirty(state);
        }

        if (position is { } moved && moved != state.Position)
        {
            state.Position = moved;
            MarkDirty(state);
        }

        return forceCommit;
    }

    private void MarkDirty(SessionState state)
    {
        if (!state.Dirty)
        {
            state.Dirty = true;
            state.CommitDeadline = _time.GetTimestamp() + (long)(Limits(state).MaxDelay.TotalSeconds * _time.TimestampFrequency);
        }
    }
}
