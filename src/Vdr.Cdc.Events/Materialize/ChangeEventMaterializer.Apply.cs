using Vdr.Cdc.Events.Consuming;

namespace Vdr.Cdc.Events.Materialize;

public sealed partial class ChangeEventMaterializer
{
    /// <summary>
    /// Applies every buffered event below the frontier, in source order and in batches, each stored with its
    /// checkpoint. Returns the number of changes applied. Refused changes go to <see cref="MaterializeOptions.DeadLetter"/>
    /// or stop with <see cref="ChangeEventRecordException"/>.
    /// </summary>
    public async ValueTask<int> ApplyReadyAsync(CancellationToken cancellationToken)
    {
        if (Frontier is not { } frontier)
        {
            return 0;
        }

        var ready = new List<DecodedRecord>();
        var waiting = new List<DecodedRecord>();
        foreach (var record in _pending)
        {
            (record.Position < frontier ? ready : waiting).Add(record);
        }

        if (ready.Count == 0)
        {
            return 0;
        }

        ready.Sort(static (a, b) =>
        {
            var c = a.Position.CompareTo(b.Position);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.Location.Topic, b.Location.Topic);
            }

            if (c == 0)
            {
                c = a.Location.Partition.CompareTo(b.Location.Partition);
            }

            return c != 0 ? c : a.Location.Offset.CompareTo(b.Location.Offset);
        });

        // One change per command: exact duplicates (re-emitted, or database-wide copies) and the copies of an
        // unsplit command on its other keys' partitions are skipped.
        var changes = new List<DecodedRecord>(ready.Count);
        long duplicates = 0;
        DecodedRecord? last = null;
        foreach (var record in ready)
        {
            if ((_checkpoint.Applied is { } applied && record.Position <= applied)
                || (last is not null && (record.Position == last.Position
                    || (record.Position.Phase == EventPhase.Stream && record.Position.SameCommand(last.Position) && !IsSplit(record) && !IsSplit(last)))))
            {
                duplicates++;
                continue;
            }

            changes.Add(record);
            last = record;
        }

        _pending.Clear();
        _pending.AddRange(waiting);
        var batches = Cut(changes);
        var laterMinimum = LaterMinimumOffsets(batches, waiting);
        var appliedCount = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            var checkpoint = _checkpoint.Clone();
            checkpoint.Applied = Covers(batch[^1]) is var covers && (checkpoint.Applied is not { } previous || covers > previous) ? covers : checkpoint.Applied;
            checkpoint.DuplicatesSkipped += b == 0 ? duplicates : 0;
            foreach (var (partition, state) in _partitions)
            {
                var next = state.NextOffset;
                if (state.BoundOffset >= 0)
                {
                    next = Math.Min(next, state.BoundOffset);
                }

                if (laterMinimum[b].TryGetValue(partition, out var unapplied))
                {
                    next = Math.Min(next, unapplied);
                }

                checkpoint.NextOffsets[partition] = next;
            }

            var applied = await StoreAsync(batch, checkpoint, cancellationToken).ConfigureAwait(false);
            _checkpoint = checkpoint;
            appliedCount += applied;
            Stored?.Invoke(checkpoint);
        }

        return appliedCount;
    }

    /// <summary>Writes one batch; refused changes are dead-lettered (or stop everything). Returns the changes applied.</summary>
    private async ValueTask<int> StoreAsync(List<DecodedRecord> batch, MaterializeCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var appliedBefore = checkpoint.EventsApplied;
        while (true)
        {
            checkpoint.EventsApplied = appliedBefore + batch.Count;
            var result = await _target.ApplyAsync(batch, checkpoint, cancellationToken).ConfigureAwait(false);
            if (result.Refused.Count == 0)
            {
                return batch.Count;
            }

            if (_options.DeadLetter is not { } deadLetter)
            {
                var first = result.Refused[0];
                var error = new ChangeEventRecordException(batch[first.Index].Location, first.Problem, first.Reason);
                if (result.Stored)
                {
                    await _target.RecordFailureAsync(error.Message, cancellationToken).ConfigureAwait(false);
                }

                throw error;
            }

            foreach (var refused in result.Refused)
            {
                await deadLetter(batch[refused.Index], refused.Problem, refused.Reason, cancellationToken).ConfigureAwait(false);
            }

            if (result.Stored)
            {
                checkpoint.EventsApplied -= result.Refused.Count;
                return batch.Count - result.Refused.Count;
            }

            // Nothing was written: write the batch again without the refused changes.
            var refusedIndexes = result.Refused.Select(r => r.Index).ToHashSet();
            batch = [.. batch.Where((_, i) => !refusedIndexes.Contains(i))];
            if (batch.Count == 0)
            {
                await _target.ApplyAsync(batch, checkpoint, cancellationToken).ConfigureAwait(false);
                return 0;
            }
        }
    }

    /// <summary>Batches of at most MaxBatchChanges, never cut inside a MULTI/EXEC unit.</summary>
    private List<List<DecodedRecord>> Cut(List<DecodedRecord> changes)
    {
        var batches = new List<List<DecodedRecord>>();
        var current = new List<DecodedRecord>();
        for (var i = 0; i < changes.Count; i++)
        {
            if (current.Count >= _options.MaxBatchChanges && !(InUnit(changes[i]) && InUnit(current[^1])))
            {
                batches.Add(current);
                current = [];
            }

            current.Add(changes[i]);
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }

    /// <summary>For each batch: per partition, the smallest Kafka offset of a change not applied once the batch is stored.</summary>
    private static List<Dictionary<PartitionId, long>> LaterMinimumOffsets(List<List<DecodedRecord>> batches, List<DecodedRecord> waiting)
    {
        var minimum = new Dictionary<PartitionId, long>();
        foreach (var record in waiting)
        {
            Lower(minimum, record);
        }

        var result = new Dictionary<PartitionId, long>[batches.Count];
        for (var b = batches.Count - 1; b >= 0; b--)
        {
            result[b] = new Dictionary<PartitionId, long>(minimum);
            foreach (var record in batches[b])
            {
                Lower(minimum, record);
            }
        }

        return [.. result];

        static void Lower(Dictionary<PartitionId, long> minimum, DecodedRecord record)
        {
            var partition = new PartitionId(record.Location.Topic, record.Location.Partition);
            if (!minimum.TryGetValue(partition, out var offset) || record.Location.Offset < offset)
            {
                minimum[partition] = record.Location.Offset;
            }
        }
    }
}
