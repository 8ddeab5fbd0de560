using Google.Protobuf;
using Vdr.Cdc.Events.Consuming;
using Vdr.Cdc.Events.Materialize;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Tests.Apply;

/// <summary>
/// Ordering across partitions: events of one command or MULTI/EXEC unit spread over partitions are applied in source
/// order, once, and only below the commit-marker frontier; the checkpoint makes a restart skip what was applied.
/// </summary>
public sealed class MaterializerOrderingTests
{
    private const string Topic = "o.db0";
    private readonly List<(string Topic, int Partition, ChangeEvent Event)> _p0 = [];
    private readonly List<(string Topic, int Partition, ChangeEvent Event)> _p1 = [];

    public MaterializerOrderingTests()
    {
        // Transaction 1 (bound 160): SET a 1 (p0); RENAME a b (source a on p0, destination b on p1);
        // MSET c 1 d 2 split per key (c on p1, d on p0).
        Add(_p0, Command(100, 0, "SET", ["a", "1"]));
        Add(_p0, Command(120, 0, "RENAME", ["a", "b"]));
        Add(_p1, Command(120, 1, "RENAME", ["a", "b"]));
        Add(_p1, Command(150, 0, "MSET", ["c", "1"], split: true));
        Add(_p0, Command(150, 1, "MSET", ["d", "2"], split: true));
        Add(_p0, Marker(160));
        Add(_p1, Marker(160));

        // Transaction 2 (bound 230): MULTI { INCR x (p1); LPUSH l b (p0) }; FLUSHDB on every partition.
        Add(_p1, Command(170, 0, "INCR", ["x"], inTransaction: true));
        Add(_p0, Command(190, 0, "LPUSH", ["l", "b"], inTransaction: true));
        Add(_p0, Command(210, 0, "FLUSHDB", [], op: Op.Truncate));
        Add(_p1, Command(210, 0, "FLUSHDB", [], op: Op.Truncate));
        Add(_p0, Marker(230));
        Add(_p1, Marker(230));
    }

    [Fact]
    public async Task ApplyReady_PartitionsReadOneAfterTheOther_SourceOrderAndEachCommandOnce()
    {
        var target = new RecordingTarget();
        var materializer = await StartAsync(target);

        // All of partition 1 first (a reader that followed partition order would run RENAME before SET a),
        // then partition 0 only up to its first marker.
        Feed(materializer, _p1, 0, _p1.Count);
        Feed(materializer, _p0, 0, 5);
        await materializer.ApplyReadyAsync(CancellationToken.None);

        Assert.Equal(["SET a 1", "RENAME a b", "MSET c 1", "MSET d 2"], target.Commands);
        Assert.Equal(new EventPosition(1, 150, EventPhase.Stream, 1), target.Checkpoint!.Applied);

        Feed(materializer, _p0, 5, _p0.Count);
        await materializer.ApplyReadyAsync(CancellationToken.None);

        Assert.Equal(["SET a 1", "RENAME a b", "MSET c 1", "MSET d 2", "INCR x", "LPUSH l b", "FLUSHDB"], target.Commands);
        Assert.Equal(0, materializer.Pending);
        Assert.Equal(7, target.Checkpoint!.EventsApplied);
        Assert.Equal(2, target.Checkpoint.DuplicatesSkipped); // the RENAME and FLUSHDB copies
    }

    [Fact]
    public async Task ApplyReady_BelowTheFrontierOnly_EventsAfterTheSlowestMarkerWait()
    {
        var target = new RecordingTarget();
        var materializer = await StartAsync(target);

        Feed(materializer, _p1, 0, _p1.Count);
        await materializer.ApplyReadyAsync(CancellationToken.None);

        Assert.Empty(target.Commands); // partition 0 has no marker yet
        Assert.Null(materializer.Frontier);
    }

    [Fact]
    public async Task ApplyReady_RestartFromTheStoredCheckpoint_NothingAppliedTwice()
    {
        var target = new RecordingTarget();
        var first = await StartAsync(target);
        Feed(first, _p1, 0, _p1.Count);
        Feed(first, _p0, 0, 5);
        await first.ApplyReadyAsync(CancellationToken.None);
        var stored = target.Checkpoint!;

        // The stored offsets go back at most to each partition's marker: partition 0 re-reads from its marker.
        Assert.Equal(3, stored.NextOffsets[new PartitionId(Topic, 0)]);
        Assert.Equal(3, stored.NextOffsets[new PartitionId(Topic, 1)]);

        // A new run resumes from the stored offsets; a connector that rewound produced transaction 2 twice.
        var second = await StartAsync(target);
        Feed(second, _p0, (int)stored.NextOffsets[new(Topic, 0)], _p0.Count);
        Feed(second, _p1, (int)stored.NextOffsets[new(Topic, 1)], _p1.Count);
        Feed(second, _p1, 3, _p1.Count, offsetBase: 100);
        Feed(second, _p0, 4, _p0.Count, offsetBase: 100);
        await second.ApplyReadyAsync(CancellationToken.None);

        Assert.Equal(["SET a 1", "RENAME a b", "MSET c 1", "MSET d 2", "INCR x", "LPUSH l b", "FLUSHDB"], target.Commands);
    }

    [Fact]
    public async Task ApplyReady_BatchLimit_NeverCutsAMultiExecUnit()
    {
        var target = new RecordingTarget();
        var materializer = await StartAsync(target, maxBatch: 1);
        Feed(materializer, _p0, 0, _p0.Count);
        Feed(materializer, _p1, 0, _p1.Count);

        await materializer.ApplyReadyAsync(CancellationToken.None);

        Assert.Contains(target.Batches, b => b.SequenceEqual(["INCR x", "LPUSH l b"]));
        Assert.Equal(6, target.Batches.Count);
    }

    [Fact]
    public async Task ApplyReady_TargetRefusedAChangeAfterStoringTheBatch_RecordsTheFailureAndStopsNamingTheRecord()
    {
        var target = new RecordingTarget { RefuseAfterStoring = "LPUSH" };
        var materializer = await StartAsync(target);
        Feed(materializer, _p0, 0, _p0.Count);
        Feed(materializer, _p1, 0, _p1.Count);

        var e = await Assert.ThrowsAsync<ChangeEventRecordException>(async () => await materializer.ApplyReadyAsync(CancellationToken.None));

        Assert.Equal(new RecordLocation(Topic, 0, 4), e.Location);
        Assert.Equal(RecordProblem.Rejected, e.Problem);
        Assert.Equal(e.Message, target.Failure);
    }

    [Fact]
    public async Task ApplyReady_RefusedWithADeadLetterHandler_HandedOverAndContinues()
    {
        var target = new RecordingTarget { RefuseAfterStoring = "LPUSH" };
        var dead = new List<(RecordLocation, RecordProblem, string)>();
        var materializer = new ChangeEventMaterializer(target, new MaterializeOptions
        {
            DeadLetter = (record, problem, reason, _) =>
            {
                dead.Add((record.Location, problem, reason));
                return ValueTask.CompletedTask;
            },
        });
        await materializer.StartAsync(CancellationToken.None);
        materializer.SetPartitionCount(Topic, 2);
        Feed(materializer, _p0, 0, _p0.Count);
        Feed(materializer, _p1, 0, _p1.Count);

        var applied = await materializer.ApplyReadyAsync(CancellationToken.None);

        Assert.Equal(6, applied);
        Assert.Equal([(new RecordLocation(Topic, 0, 4), RecordProblem.Rejected, "refused LPUSH")], dead);
        Assert.Null(target.Failure);
    }

    private static async Task<ChangeEventMaterializer> StartAsync(RecordingTarget target, int maxBatch = 100)
    {
        var materializer = new ChangeEventMaterializer(target, new MaterializeOptions { MaxBatchChanges = maxBatch });
        await materializer.StartAsync(CancellationToken.None);
        materializer.SetPartitionCount(Topic, 2);
        return materializer;
    }

    private static void Feed(ChangeEventMaterializer materializer, List<(string Topic, int Partition, ChangeEvent Event)> partition, int from, int to, long offsetBase = 0)
    {
        for (var i = from; i < to; i++)
        {
            var (topic, p, change) = partition[i];
            materializer.Add(ChangeEventDecoder.Decode(new RecordLocation(topic, p, offsetBase + i), null, change.ToByteArray()));
        }
    }

    private void Add(List<(string, int, ChangeEvent)> partition, ChangeEvent change) => partition.Add((Topic, partition == _p0 ? 0 : 1, change));

    private static ChangeEvent Command(long offset, uint index, string name, string[] args, bool split = false, bool inTransaction = false, Op op = Op.Upsert)
    {
        var command = new Command { Name = name, Split = split, InTransaction = inTransaction };
        command.Args.AddRange(args.Select(ByteString.CopyFromUtf8));
        return new ChangeEvent
        {
            Source = new Source { SnapshotEpoch = 1, Offset = offset, EndOffset = offset + 10, Index = index, Snapshot = SnapshotMarker.False },
            Op = op,
            Key = args.Length > 0 ? ByteString.CopyFromUtf8(args[0]) : ByteString.Empty,
            Command = command,
        };
    }

    private static ChangeEvent Marker(long bound) => new()
    {
        Source = new Source { SnapshotEpoch = 1, Offset = bound, Snapshot = SnapshotMarker.False },
        Op = Op.Control,
        Control = new Control { Kind = ControlKind.Commit, Topics = { Topic } },
    };

    /// <summary>A target that records the commands it was given, and keeps the last checkpoint as a store would.</summary>
    private sealed class RecordingTarget : IMaterializeTarget
    {
        public List<string> Commands { get; } = [];

        public List<List<string>> Batches { get; } = [];

        public MaterializeCheckpoint? Checkpoint { get; private set; }

        /// <summary>Refuse commands of this name after storing the batch (as Redis does with a runtime error inside EXEC).</summary>
        public string? RefuseAfterStoring { get; init; }

        public string? Failure { get; private set; }

        public ValueTask<MaterializeCheckpoint?> LoadCheckpointAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Checkpoint?.Clone());

        public ValueTask<MaterializeResult> ApplyAsync(IReadOnlyList<DecodedRecord> changes, MaterializeCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            var batch = changes.Select(c => string.Join(' ', [c.Event!.Command.Name, .. c.Event.Command.Args.Select(a => a.ToStringUtf8())])).ToList();
            Batches.Add(batch);
            Commands.AddRange(batch);
            Checkpoint = checkpoint.Clone();
            var refused = changes.Select((c, i) => (c, i)).Where(x => x.c.Event!.Command.Name == RefuseAfterStoring)
                .Select(x => new RefusedChange(x.i, RecordProblem.Rejected, "refused " + RefuseAfterStoring)).ToList();
            return ValueTask.FromResult(refused.Count == 0 ? MaterializeResult.Success : new MaterializeResult(true, refused));
        }

        public ValueTask RecordFailureAsync(string description, CancellationToken cancellationToken)
        {
            Failure = description;
            return ValueTask.CompletedTask;
        }
    }
}
