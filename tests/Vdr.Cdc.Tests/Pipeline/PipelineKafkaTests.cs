using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Vdr.Cdc.Events;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Keys;
using Vdr.Cdc.Pipeline;
using Vdr.Cdc.Tests.Kafka;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Pipeline;

public sealed class PipelineKafkaTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _kafka = new();
    private readonly List<IDisposable> _disposables = [];

    private readonly TestOutputLogger _logger;

    public PipelineKafkaTests(ITestOutputHelper output)
    {
        output.WriteLine("Kafka: " + _kafka.Description);
        _logger = new TestOutputLogger(output);
    }

    [Fact]
    public async Task RunAsync_SnapshotBiggerThanOneTransactionThenCommands_AllEventsAndOneProgressPerCommit()
    {
        var prefix = NewPrefix();
        var primary = new ScriptedPrimary();
        for (var i = 0; i < 120; i++)
        {
            primary.Snapshot.Add(($"key:{i}", $"value {i}"));
        }

        var set = primary.Add("SET", "a", "1");
        var del = primary.Add("DEL", "a", "key:1");
        var multi = primary.AddTransaction(["INCR", "x"], ["INCR", "y"]);
        primary.Add("FLUSHDB");
        var options = Options(prefix, maxEvents: 50);
        var source = new ScriptedChangeSource(primary);
        var pipeline = CreatePipeline(options, () => source);

        await pipeline.RunAsync(new CancellationTokenSource(TestTimeout).Token);

        var data = ReadEvents(prefix + ".db0");
        var progress = ReadProgress(prefix);
        Assert.True(pipeline.Commits >= 3, $"only {pipeline.Commits} commits: the snapshot should need several transactions");
        Assert.Equal(pipeline.Commits, progress.Count);
        Assert.Equal(120, data.Count(e => e.Event?.Op == Op.Read));
        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"key:{i}").Order(),
            data.Where(e => e.Event?.Op == Op.Read).Select(e => e.Event!.Key.ToStringUtf8()).Order());

        // Snapshot begin and end on every partition, in order.
        for (var p = 0; p < 4; p++)
        {
            var controls = data.Where(e => e.Partition == p && e.Event?.Op == Op.Control && e.Event.Control.Kind != ControlKind.Commit).Select(e => e.Event!.Control.Kind).ToList();
            Assert.Equal([ControlKind.SnapshotBegin, ControlKind.SnapshotEnd], controls);
            Assert.Single(data, e => e.Partition == p && e.Event?.Op == Op.Truncate);
        }

        // Every command is there, by source position; the DEL produced deletes and tombstones.
        Assert.Contains(data, e => e.Event?.Source.Offset == set.StartOffset && e.Event.Op == Op.Upsert);
        Assert.Equal(2, data.Count(e => e.Event?.Source.Offset == del.StartOffset && e.Event.Op == Op.Delete));
        Assert.Equal(2, data.Count(e => e.Value is null));
        Assert.Equal(2, data.Count(e => e.Event?.Source.Offset >= multi.StartOffset && e.Event.Command?.InTransaction == true));

        // No commit inside the MULTI/EXEC unit; the last progress is the end of the stream, phase streaming.
        Assert.DoesNotContain(progress, p => p.Offset == multi.Commands[0].Position.Offset);
        Assert.Equal((primary.Offset, Phase.Streaming, 1ul), (progress[^1].Offset, progress[^1].Phase, progress[^1].SnapshotEpoch));
        Assert.All(progress.Take(progress.Count - 4), p => Assert.Equal(Phase.Snapshot, p.Phase));

        // Only committed streaming positions are acknowledged, in order.
        Assert.NotEmpty(source.Acks);
        Assert.All(source.Acks, a => Assert.Contains(progress, p => p.Offset == a.Offset && p.Phase == Phase.Streaming));
        Assert.Equal(source.Acks.Select(a => a.Offset).Order(), source.Acks.Select(a => a.Offset));
    }

    [Fact]
    public async Task RunAsync_Restart_ResumesFromTheProgressTopicWithoutGap()
    {
        var prefix = NewPrefix();
        var primary = new ScriptedPrimary();
        primary.Snapshot.Add(("s", "v"));
        var commands = Enumerable.Range(0, 300).Select(i => primary.Add("SET", $"k{i % 37}", $"{i}")).ToList();
        var options = Options(prefix, maxEvents: 40);

        var first = new ScriptedChangeSource(primary, stopAfterCommands: 150);
        await CreatePipeline(options, () => first).RunAsync(new CancellationTokenSource(TestTimeout).Token);
        var committed = ReadProgress(prefix)[^1];
        Assert.Equal(commands[149].Position.Offset, committed.Offset);

        var second = new ScriptedChangeSource(primary);
        await CreatePipeline(options, () => second).RunAsync(new CancellationTokenSource(TestTimeout).Token);

        Assert.Equal(committed.Offset, second.StartedFrom!.Value.Offset);
        Assert.Equal(committed.ReplicationId, second.StartedFrom!.Value.ReplicationId);
        var events = ReadEvents(prefix + ".db0").Where(e => e.Event?.Op == Op.Upsert).Select(e => e.Event!).ToList();
        AssertEveryPositionOnceAndIdentical(events, commands.Select(c => c.StartOffset));
    }

    [Fact]
    public async Task RunAsync_InterruptedSnapshot_RestartsWithAFullSyncAndANewEpoch()
    {
        var prefix = NewPrefix();
        var primary = new ScriptedPrimary();
        for (var i = 0; i < 100; i++)
        {
            primary.Snapshot.Add(($"k{i}", "v"));
        }

        primary.Add("SET", "after", "1");
        var options = Options(prefix, maxEvents: 20);
        await CreatePipeline(options, () => new ScriptedChangeSource(primary, stopAfterSnapshotKeys: 50)).RunAsync(new CancellationTokenSource(TestTimeout).Token);
        var interrupted = ReadProgress(prefix)[^1];
        Assert.Equal((Phase.Snapshot, 1ul), (interrupted.Phase, interrupted.SnapshotEpoch));

        var second = new ScriptedChangeSource(primary);
        await CreatePipeline(options, () => second).RunAsync(new CancellationTokenSource(TestTimeout).Token);

        Assert.Null(second.StartedFrom);
        var last = ReadProgress(prefix)[^1];
        Assert.Equal((Phase.Streaming, 2ul, primary.Offset), (last.Phase, last.SnapshotEpoch, last.Offset));
        var epoch2 = ReadEvents(prefix + ".db0").Where(e => e.Event?.Source.SnapshotEpoch == 2 && e.Event.Op == Op.Read).ToList();
        Assert.Equal(100, epoch2.Count);
    }

    [Fact]
    public async Task RunAsync_SnapshotCommitsByTheSnapshotLimits_StreamByTheStreamLimits()
    {
        var prefix = NewPrefix();
        var primary = new ScriptedPrimary();
        for (var i = 0; i < 120; i++)
        {
            primary.Snapshot.Add(($"key:{i}", $"value {i}"));
        }

        for (var i = 0; i < 30; i++)
        {
            primary.Add("SET", $"s{i}", "v");
        }

        var options = Options(prefix, maxEvents: 10);
        options.Kafka.Batch.SnapshotMaxEvents = 1000;
        options.Kafka.Batch.SnapshotMaxDelay = TimeSpan.FromMinutes(1);
        var pipeline = CreatePipeline(options, () => new ScriptedChangeSource(primary));

        await pipeline.RunAsync(new CancellationTokenSource(TestTimeout).Token);

        // The 120-key snapshot fits one snapshot transaction, committed at its end (with the stream's limit of 10
        // events it took 12 or more); the 30 commands afterwards commit by the stream's limit.
        var progress = ReadProgress(prefix);
        Assert.DoesNotContain(progress, p => p.Phase == Phase.Snapshot);
        Assert.True(progress.Count >= 4, $"{progress.Count} commits: the stream should commit per 10 events");
        Assert.Equal(120, ReadEvents(prefix + ".db0").Count(e => e.Event?.Op == Op.Read));
        Assert.Equal(primary.Offset, progress[^1].Offset);
    }

    [Fact]
    public async Task RunAsync_SnapshotCommitsBySnapshotMaxBytes_StreamByMaxBytes()
    {
        var prefix = NewPrefix();
        var primary = new ScriptedPrimary();
        var value = new string('v', 1000);
        for (var i = 0; i < 120; i++)
        {
            primary.Snapshot.Add(($"key:{i}", value));
        }

        for (var i = 0; i < 30; i++)
        {
            primary.Add("SET", $"s{i}", value);
        }

        // Events and delays never trigger a commit here: only bytes do.
        var options = Options(prefix, maxEvents: 100_000);
        options.Kafka.Batch.MaxBytes = 4 * 1024;
        options.Kafka.Batch.MaxDelay = TimeSpan.FromSeconds(20);
        options.Kafka.Batch.SnapshotMaxEvents = 100_000;
        options.Kafka.Batch.SnapshotMaxBytes = 1 << 20;
        options.Kafka.Batch.SnapshotMaxDelay = TimeSpan.FromSeconds(20);
        var pipeline = CreatePipeline(options, () => new ScriptedChangeSource(primary));

        await pipeline.RunAsync(new CancellationTokenSource(TestTimeout).Token);

        // The ~130 KB snapshot fits one 1 MiB snapshot transaction (by the stream's 4 KiB it would take ~30); the
        // 30 commands of ~1 KB afterwards commit per 4 KiB.
        var progress = ReadProgress(prefix);
        Assert.DoesNotContain(progress, p => p.Phase == Phase.Snapshot);
        Assert.InRange(progress.Count, 7, 12);
        Assert.Equal(120, ReadEvents(prefix + ".db0").Count(e => e.Event?.Op == Op.Read));
        Assert.Equal(primary.Offset, progress[^1].Offset);
    }

    [Fact]
    public async Task RunAsync_SecondInstanceWithTheSameName_FirstIsFencedAndStops()
    {
        var prefix = NewPrefix();
        var primary = new ScriptedPrimary { WaitAtEnd = true };
        primary.Add("SET", "a", "1");
        var options = Options(prefix, maxEvents: 1000);
        var source = new ScriptedChangeSource(primary);
        var first = CreatePipeline(options, () => source);
        var committed = new TaskCompletionSource();
        first.Committed += p => { committed.TrySetResult(); _logger.Log(Microsoft.Extensions.Logging.LogLevel.Information, default, $"committed {p.Offset}", null, (s, _) => s); };
        using var cts = new CancellationTokenSource(TestTimeout);
        var run = first.RunAsync(cts.Token);
        await committed.Task.WaitAsync(TestTimeout);

        // The second instance's InitTransactions bumps the producer epoch: the first one is now a zombie.
        var catalog = Track(new KafkaTopicCatalog(options.Kafka));
        var secondSink = Track(new TransactionalSink(options.Kafka, options.Name, catalog, ProtobufEventSerializer.Instance, NullLogger.Instance));
        secondSink.InitTransactions();

        // A broker answers the older epoch's EndTxn with PRODUCER_FENCED; the mock does not check epochs, so it is told to.
        _kafka.Mock?.PushRequestErrors(26, ErrorCode.ProducerFenced);
        await source.Live.Writer.WriteAsync(primary.Add("SET", "b", "2"));

        var error = await Assert.ThrowsAsync<KafkaFatalException>(() => run.WaitAsync(TestTimeout));
        Assert.Contains(options.Name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ZombieWithAnOpenTransaction_IsAbortedByInitTransactions()
    {
        var prefix = NewPrefix();
        var options = Options(prefix, maxEvents: 1000);
        using var zombie = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, TransactionalId = options.Name })
            .SetLogHandler((_, _) => { }).Build();
        zombie.InitTransactions(TimeSpan.FromSeconds(20));
        zombie.BeginTransaction();
        zombie.Produce(new TopicPartition(prefix + ".db0", 0), new Message<byte[], byte[]> { Key = "zombie"u8.ToArray(), Value = [0xff] });
        zombie.Flush(TimeSpan.FromSeconds(10));

        var primary = new ScriptedPrimary();
        primary.Add("SET", "a", "1");
        await CreatePipeline(options, () => new ScriptedChangeSource(primary)).RunAsync(new CancellationTokenSource(TestTimeout).Token);

        Assert.Equal(primary.Offset, ReadProgress(prefix)[^1].Offset);
        if (_kafka.IsReal)
        {
            // The mock neither fences the zombie nor hides its aborted records: both are broker behaviour.
            Assert.ThrowsAny<KafkaException>(() => zombie.CommitTransaction(TimeSpan.FromSeconds(10)));
            Assert.DoesNotContain(_kafka.ReadAll([prefix + ".db0"]), r => r.Message.Key is { } k && k.AsSpan().SequenceEqual("zombie"u8));
        }
    }

    [Fact]
    public async Task RunAsync_TransactionRequiresAbort_RewindsAndReEmitsIdenticalEvents()
    {
        if (_kafka.Mock is null)
        {
            return; // error injection needs the mock cluster
        }

        var prefix = NewPrefix();
        var primary = new ScriptedPrimary();
        var commands = Enumerable.Range(0, 60).Select(i => primary.Add("HSET", $"h{i % 7}", "f", $"{i}")).ToList();
        var options = Options(prefix, maxEvents: 10);
        var sources = new List<ScriptedChangeSource>();
        var pipeline = CreatePipeline(options, () =>
        {
            var source = new ScriptedChangeSource(primary);
            sources.Add(source);
            return source;
        });
        var commits = 0;
        pipeline.Committed += _ =>
        {
            // After the second commit, the next produce request fails for good: the transaction must be aborted.
            if (++commits == 2 && _kafka.Mock is { } mock)
            {
                mock.PushRequestErrors(0, ErrorCode.MsgSizeTooLarge);
            }
        };

        await pipeline.RunAsync(new CancellationTokenSource(TestTimeout).Token);

        Assert.True(sources.Count >= 2, "the pipeline did not rewind");
        Assert.NotNull(sources[^1].StartedFrom);
        Assert.Equal(primary.Offset, ReadProgress(prefix)[^1].Offset);
        var events = ReadEvents(prefix + ".db0").Where(e => e.Event?.Op == Op.Upsert).Select(e => e.Event!).ToList();
        AssertEveryPositionOnceAndIdentical(events, commands.Select(c => c.StartOffset));
    }

    public void Dispose()
    {
        foreach (var d in _disposables.AsEnumerable().Reverse())
        {
            d.Dispose();
        }

        _kafka.Dispose();
    }

    internal static void AssertEveryPositionOnceAndIdentical(List<ChangeEvent> events, IEnumerable<long> expectedOffsets)
    {
        var byPosition = events.GroupBy(e => (e.Source.ReplicationId, e.Source.Offset, e.Source.Index)).ToList();
        Assert.Equal(expectedOffsets.Order(), byPosition.Select(g => g.Key.Offset).Order());
        foreach (var group in byPosition)
        {
            var first = Normalized(group.First());
            Assert.All(group, e => Assert.Equal(first, Normalized(e)));
        }
    }

    private static ChangeEvent Normalized(ChangeEvent e)
    {
        var copy = e.Clone();
        copy.TsMs = 0;
        return copy;
    }

    private static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    private CdcOptions Options(string prefix, int maxEvents) => new()
    {
        Name = prefix + "-connector",
        Kafka = WithBatch(_kafka.NewOptions(prefix), maxEvents),
    };

    [Fact]
    public async Task Sink_DirectProducePath_KeysValuesTombstonesAndAllPartitionRecordsArriveAsProduced()
    {
        var prefix = NewPrefix();
        var options = _kafka.NewOptions(prefix);
        var catalog = Track(new KafkaTopicCatalog(options));
        var sink = Track(new TransactionalSink(options, prefix + "-direct", catalog, ProtobufEventSerializer.Instance, _logger));
        Assert.True(sink.ProducesDirectly, "the sink fell back to Confluent.Kafka's Produce (librdkafka exports not reachable)");
        var topic = prefix + ".db0";
        var upsert = new ChangeEvent { Op = Op.Upsert, Key = ByteString.CopyFromUtf8("k\u00e9y"), Command = new Command { Name = "SET", Args = { ByteString.CopyFromUtf8("k\u00e9y"), ByteString.CopyFrom(new byte[70_000]) } } };
        var control = new ChangeEvent { Op = Op.Control, Control = new Control { Kind = ControlKind.SnapshotBegin } };
        var key = System.Text.Encoding.UTF8.GetBytes("k\u00e9y");

        sink.InitTransactions();
        await sink.WriteAsync([new OutgoingRecord(topic, key, upsert, false), new OutgoingRecord(topic, key, null, false), new OutgoingRecord(topic, null, control, true)], CancellationToken.None);
        await sink.CommitAsync(new ProgressRecord { Connector = prefix + "-direct", ReplicationId = "r", Offset = 1 }, CancellationToken.None);

        var records = _kafka.ReadAll([topic]);
        var keyed = records.Where(r => r.Message.Key is not null).ToList();
        Assert.Equal(2, keyed.Count);
        Assert.All(keyed, r => Assert.Equal(key, r.Message.Key));
        Assert.Single(keyed.Select(r => r.Partition.Value).Distinct());
        Assert.Equal(upsert.ToByteArray(), keyed[0].Message.Value);
        Assert.Null(keyed[1].Message.Value);
        var partitions = await catalog.GetPartitionCountAsync(topic, isProgressTopic: false, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, partitions), records.Where(r => r.Message.Key is null).Select(r => r.Partition.Value).Order());
        Assert.All(records.Where(r => r.Message.Key is null), r => Assert.Equal(control.ToByteArray(), r.Message.Value));
    }

    [Fact]
    public async Task Sink_DirectProducePath_QueueFullMidWrite_EveryRecordArrivesInOrderPerPartition()
    {
        var prefix = NewPrefix();
        var options = _kafka.NewOptions(prefix);
        // A queue of 7 records: one write of 300 fills it many times over, so librdkafka refuses the rest of a
        // partition's batch and the sink must wait for room and offer exactly that rest again.
        options.Producer["queue.buffering.max.messages"] = "7";
        var catalog = Track(new KafkaTopicCatalog(options));
        var sink = Track(new TransactionalSink(options, prefix + "-full", catalog, ProtobufEventSerializer.Instance, _logger));
        Assert.True(sink.ProducesDirectly, "the sink fell back to Confluent.Kafka's Produce (librdkafka exports not reachable)");
        var topic = prefix + ".db0";
        var records = Enumerable.Range(0, 300)
            .Select(i => new OutgoingRecord(topic, System.Text.Encoding.ASCII.GetBytes("k" + (i % 37)), new ChangeEvent { Op = Op.Upsert, TsMs = i }, allPartitions: false))
            .ToList();

        sink.InitTransactions();
        await sink.WriteAsync(records, CancellationToken.None);
        Assert.Equal(300, sink.PendingEvents);
        await sink.CommitAsync(new ProgressRecord { Connector = prefix + "-full", ReplicationId = "r", Offset = 1 }, CancellationToken.None);

        var read = _kafka.ReadAll([topic]);
        Assert.Equal(300, read.Count);
        Assert.Equal(Enumerable.Range(0, 300), read.Select(r => (int)ChangeEvent.Parser.ParseFrom(r.Message.Value).TsMs).Order());
        foreach (var partition in read.GroupBy(r => r.Partition.Value))
        {
            var order = partition.OrderBy(r => r.Offset.Value).Select(r => ChangeEvent.Parser.ParseFrom(r.Message.Value).TsMs).ToList();
            Assert.Equal(order.Order(), order);
        }
    }

    private static KafkaOptions WithBatch(KafkaOptions options, int maxEvents)
    {
        // The snapshot limits too: these tests split snapshots into several transactions on purpose.
        options.Batch = new BatchOptions { MaxEvents = maxEvents, MaxDelay = TimeSpan.FromMilliseconds(50), SnapshotMaxEvents = maxEvents, SnapshotMaxDelay = TimeSpan.FromMilliseconds(50) };
        return options;
    }

    private CdcPipeline CreatePipeline(CdcOptions options, Func<IChangeSource> source)
    {
        var catalog = Track(new KafkaTopicCatalog(options.Kafka));
        var sink = Track(new TransactionalSink(options.Kafka, options.Name, catalog, ProtobufEventSerializer.Instance, _logger));
        return new CdcPipeline(options, source, sink, catalog, BuiltInKeyTable.Table, _logger);
    }

    private T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private List<(int Partition, ChangeEvent? Event, byte[]? Value)> ReadEvents(string topic) =>
        [.. _kafka.ReadAll([topic]).Select(r => (r.Partition.Value, r.Message.Value is null ? null : ChangeEvent.Parser.ParseFrom(r.Message.Value), (byte[]?)r.Message.Value))];

    private List<ProgressRecord> ReadProgress(string prefix) =>
        [.. _kafka.ReadAll([prefix + ".progress"]).Select(r => ProgressRecord.Parser.ParseFrom(r.Message.Value))];
}
