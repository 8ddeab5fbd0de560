using Vdr.Cdc.Events.Consuming;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events.Materialize;

/// <summary>
/// Applies a connector's change events to a target in source order, exactly once.
/// <para>
/// Ordering: the events of one Redis command or MULTI/EXEC unit can be on several partitions (split multi-key
/// commands, RENAME/LMOVE/... on each key's partition, database-wide events on every partition), so the order of one
/// partition is not enough. The connector ends each Kafka transaction with a CONTROL commit marker on every partition
/// of every data topic; its position is an exclusive bound of everything written before it. A partition is complete
/// below the highest marker read on it; the frontier is the smallest of those over every partition of the topics the
/// latest marker lists. Events are buffered and applied when they are below the frontier, sorted by
/// <see cref="EventPosition"/>; a command's copies on other partitions (same epoch and offset, not split) are applied
/// once, the per-key events of a split command each.
/// </para>
/// <para>
/// Exactly once: every batch is written with a <see cref="MaterializeCheckpoint"/> (highest applied position, next
/// Kafka offset per partition) in one atomic unit of the target; events at or below the applied position are skipped.
/// This also absorbs a broker that shows aborted transactions: a connector that rewinds produces the same events at
/// the same positions again. The next offset of a partition is never past an event not yet applied nor past its
/// highest marker, so a restart reads the marker again and knows the partition's bound.
/// </para>
/// Not thread-safe: one consumer loop feeds it.
/// </summary>
public sealed partial class ChangeEventMaterializer
{
    private readonly IMaterializeTarget _target;
    private readonly MaterializeOptions _options;
    private readonly List<DecodedRecord> _pending = [];
    private readonly Dictionary<PartitionId, PartitionState> _partitions = [];
    private readonly Dictionary<string, int> _partitionCounts = new(StringComparer.Ordinal);
    private string[] _requiredTopics = [];
    private EventPosition _requiredTopicsAt = EventPosition.Min;
    private MaterializeCheckpoint _checkpoint = new();

    public ChangeEventMaterializer(IMaterializeTarget target, MaterializeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        _options = options ?? new MaterializeOptions();
        if (_options.MaxBatchChanges < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxBatchChanges must be at least 1");
        }
    }

    /// <summary>The last checkpoint loaded or stored.</summary>
    public MaterializeCheckpoint Checkpoint => _checkpoint;

    /// <summary>Events read and waiting for the frontier.</summary>
    public int Pending => _pending.Count;

    /// <summary>The data topics the latest commit marker lists (every partition of them must be read).</summary>
    public IReadOnlyList<string> RequiredTopics => _requiredTopics;

    /// <summary>Raised after every stored batch with the checkpoint it stored (commit consumer offsets there).</summary>
    public event Action<MaterializeCheckpoint>? Stored;

    /// <summary>Loads the target's checkpoint; seek each partition to <see cref="MaterializeCheckpoint.NextOffsets"/>.</summary>
    public async ValueTask<MaterializeCheckpoint> StartAsync(CancellationToken cancellationToken)
    {
        _checkpoint = await _target.LoadCheckpointAsync(cancellationToken).ConfigureAwait(false) ?? new MaterializeCheckpoint();
        return _checkpoint;
    }

    /// <summary>Tells how many partitions a topic has (from metadata); a topic the markers list blocks the frontier until then.</summary>
    public void SetPartitionCount(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions);
        _partitionCounts[topic] = partitions;
    }

    /// <summary>Topics that commit markers require but whose partition count is not known yet (assign them).</summary>
    public IEnumerable<string> MissingTopics => _requiredTopics.Where(t => !_partitionCounts.ContainsKey(t));

    /// <summary>Takes one record read from Kafka (tombstones and commit markers included), in partition order.</summary>
    public void Add(DecodedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var state = State(new PartitionId(record.Location.Topic, record.Location.Partition));
        state.NextOffset = Math.Max(state.NextOffset, record.Location.Offset + 1);
        if (record.IsTombstone)
        {
            return;
        }

        var position = record.Position;
        if (record.IsCommitMarker)
        {
            if (state.Bound is not { } bound || position > bound)
            {
                state.Bound = position;
                state.BoundOffset = record.Location.Offset;
            }

            if (position >= _requiredTopicsAt && record.Event!.Control.Topics.Count > 0)
            {
                _requiredTopicsAt = position;
                _requiredTopics = [.. record.Event.Control.Topics];
            }

            return;
        }

        if (_checkpoint.Applied is { } applied && position <= applied)
        {
            _checkpoint.DuplicatesSkipped++;
            return;
        }

        _pending.Add(record);
    }

    /// <summary>Records that a partition's offsets below <paramref name="nextOffset"/> were consumed without producing a record (e.g. a dead-lettered one).</summary>
    public void Consumed(PartitionId partition, long nextOffset)
    {
        var state = State(partition);
        state.NextOffset = Math.Max(state.NextOffset, nextOffset);
    }

    /// <summary>
    /// The exclusive bound below which every event has been read: the smallest highest-marker over every partition of
    /// <see cref="RequiredTopics"/>; null while a partition has no marker yet (or no marker was read at all).
    /// </summary>
    public EventPosition? Frontier
    {
        get
        {
            if (_requiredTopics.Length == 0)
            {
                return null;
            }

            EventPosition? frontier = null;
            foreach (var topic in _requiredTopics)
            {
                if (!_partitionCounts.TryGetValue(topic, out var count))
                {
                    return null;
                }

                for (var p = 0; p < count; p++)
                {
                    if (!_partitions.TryGetValue(new PartitionId(topic, p), out var state) || state.Bound is not { } bound)
                    {
                        return null;
                    }

                    if (frontier is not { } f || bound < f)
                    {
                        frontier = bound;
                    }
                }
            }

            return frontier;
        }
    }

    /// <summary>True when some read events are below the frontier.</summary>
    public bool HasReady => Frontier is { } frontier && _pending.Exists(r => r.Position < frontier);

    private PartitionState State(PartitionId partition)
    {
        if (!_partitions.TryGetValue(partition, out var state))
        {
            state = new PartitionState();
            _partitions[partition] = state;
        }

        return state;
    }

    private static bool IsSplit(DecodedRecord record) => record.Event!.Command is { Split: true };

    private static bool InUnit(DecodedRecord record) => record.Event!.Command is { InTransaction: true };

    /// <summary>The highest position a stored change covers: every copy of a whole command, or the split event itself.</summary>
    private static EventPosition Covers(DecodedRecord record) =>
        record.Position.Phase == EventPhase.Stream && !IsSplit(record) ? record.Position.LastOfCommand : record.Position;

    private sealed class PartitionState
    {
        /// <summary>Next offset to read (after the last record read).</summary>
        public long NextOffset { get; set; }

        /// <summary>The highest commit-marker bound read.</summary>
        public EventPosition? Bound { get; set; }

        /// <summary>Kafka offset of the marker that set <see cref="Bound"/>.</summary>
        public long BoundOffset { get; set; } = -1;
    }
}
