using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Vdr.Cdc.Diagnostics;
using Vdr.Cdc.Events;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Keys;
using Vdr.Cdc.Progress;
using Vdr.Cdc.Routing;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Pipeline;

/// <summary>
/// The connector's main loop: InitTransactions → read the progress topic → start replication from the committed
/// position (or a full synchronisation) → map messages to events → produce them in transactions closed by size or
/// time, each ending with a progress record → after each commit acknowledge the position to Redis. A
/// TxnRequiresAbort rewinds to the last committed position; a fatal Kafka error ends the run with an exception.
/// </summary>
public sealed partial class CdcPipeline
{
    private readonly CdcOptions _options;
    private readonly Func<IChangeSource> _sourceFactory;
    private readonly TransactionalSink _sink;
    private readonly KafkaTopicCatalog _catalog;
    private readonly CommandKeyTable _keyTable;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TopicRouter _router;
    private readonly List<OutgoingRecord> _records = [];
    private readonly List<OutgoingRecord> _markers = [];

    // Between the source and the sink: at most ChannelBatches batches of MaxBatchMessages messages or about
    // MaxBatchBytes each (a single message can be larger: a snapshot chunk is up to 512 KiB), so a commit does not
    // stop the reading of Redis at once, and memory stays bounded (about 20 MB for large values).
    private const int ChannelBatches = 32;
    private const int MaxBatchMessages = 256;
    private const long MaxBatchBytes = 128 * 1024;

    public CdcPipeline(CdcOptions options, Func<IChangeSource> sourceFactory, TransactionalSink sink, KafkaTopicCatalog catalog, CommandKeyTable keyTable, ILogger logger, TimeProvider? time = null)
    {
        _options = options;
        _sourceFactory = sourceFactory;
        _sink = sink;
        _catalog = catalog;
        _keyTable = keyTable;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _router = new TopicRouter(options.Kafka.TopicPrefix, options.Kafka.Routes);
    }

    /// <summary>The last progress record committed (or read at start).</summary>
    public ProgressRecord? LastCommitted { get; private set; }

    /// <summary>Transactions committed by this run.</summary>
    public long Commits { get; private set; }

    /// <summary>Raised after every commit (tests and metrics).</summary>
    public event Action<ProgressRecord>? Committed;

    /// <summary>Runs until the source ends or <paramref name="cancellationToken"/> is cancelled (then commits what is pending).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Run(_sink.InitTransactions, cancellationToken).ConfigureAwait(false);
        await _catalog.EnsureAsync([_router.ProgressTopic], progressTopics: true, cancellationToken).ConfigureAwait(false);
        await _catalog.EnsureAsync([_router.DbTopic(0), .. _router.RouteTopics], progressTopics: false, cancellationToken).ConfigureAwait(false);
        _router.TopicsOfDb(0);
        foreach (var topic in _catalog.KnownTopics.Where(_router.IsDbTopic))
        {
            _router.AddKnownTopic(topic);
        }

        LastCommitted = await ProgressReader.ReadLatestAsync(_options.Kafka, _router.ProgressTopic, _options.Name, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            try
            {
                await RunSessionAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (TransactionAbortedException e)
            {
                CdcMetrics.TransactionsAborted.Add(1);
                Log.Rewinding(_logger, e.Message);
            }
        }
    }

    private async Task RunSessionAsync(CancellationToken cancellationToken)
    {
        var committed = LastCommitted;
        SourcePosition? from = committed is { Phase: Phase.Streaming } p ? new SourcePosition(p.ReplicationId, p.Offset, p.Db) : null;
        var state = new SessionState
        {
            Epoch = committed?.SnapshotEpoch ?? 0,
            Phase = Phase.Streaming,
            Position = from,
        };
        if (from is { } resume)
        {
            Log.Resuming(_logger, _options.Name, resume.ReplicationId, resume.Offset, resume.Db, state.Epoch);
        }
        else
        {
            Log.FullSync(_logger, _options.Name, state.Epoch + 1, committed is null ? "no committed progress" : "the last snapshot was not completed");
        }

        using var sessionCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var source = _sourceFactory();
        await using (source.ConfigureAwait(false))
        {
            var mapper = new ChangeEventMapper(_router, _keyTable, _options.Events, _options.Name, source.Server, _time)
            {
                SnapshotEpoch = state.Epoch,
                ReplicationId = from?.ReplicationId ?? string.Empty,
            };
            state.Mapper = mapper;
            var channel = Channel.CreateBounded<List<SourceMessage>>(new BoundedChannelOptions(ChannelBatches) { SingleReader = true, SingleWriter = true });
            var pump = PumpAsync(source, from, channel.Writer, sessionCts.Token);
            try
            {
                await ConsumeAsync(channel.Reader, source, mapper, state, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await ShutdownAsync(source, state).ConfigureAwait(false);
            }
            finally
            {
                await sessionCts.CancelAsync().ConfigureAwait(false);
                try
                {
                    await pump.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The session ended first.
                }
            }
        }
    }

    /// <summary>Moves the source's messages into the channel in batches (<see cref="AsyncBatches.BatchAsync"/>).</summary>
    private static async Task PumpAsync(IChangeSource source, SourcePosition? from, ChannelWriter<List<SourceMessage>> writer, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var batches = source.StartAsync(from, cancellationToken).BatchAsync(MaxBatchMessages, MaxBatchBytes, SourceMessageSize.Estimate, cancellationToken);
            await foreach (var batch in batches.ConfigureAwait(false))
            {
                await writer.WriteAsync(batch.Items, cancellationToken).ConfigureAwait(false);
            }

            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
    }

    private async Task ConsumeAsync(ChannelReader<List<SourceMessage>> reader, IChangeSource source, ChangeEventMapper mapper, SessionState state, CancellationToken cancellationToken)
    {
        List<SourceMessage>? messages = null;
        var index = 0;
        Task<bool>? waiting = null;
        while (true)
        {
            if (messages is null && reader.TryRead(out var read))
            {
                messages = read;
                index = 0;
            }

            if (messages is not null)
            {
                var message = messages[index++];
                if (index == messages.Count)
                {
                    messages = null;
                }

                var forceCommit = await HandleAsync(message, source, mapper, state, cancellationToken).ConfigureAwait(false);
                if (state.Dirty && (forceCommit || IsFull(state) || _time.GetTimestamp() >= state.CommitDeadline))
                {
                    await CommitAsync(source, state, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            waiting ??= reader.WaitToReadAsync(cancellationToken).AsTask();
            if (state.Dirty)
            {
                var remaining = _time.GetElapsedTime(_time.GetTimestamp(), state.CommitDeadline);
                if (remaining <= TimeSpan.Zero)
                {
                    await CommitAsync(source, state, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (await Task.WhenAny(waiting, Task.Delay(remaining, _time, cancellationToken)).ConfigureAwait(false) != waiting)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    continue;
                }
            }

            var more = await waiting.ConfigureAwait(false);
            waiting = null;
            if (!more)
            {
                if (state.Dirty)
                {
                    await CommitAsync(source, state, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
        }
    }

    private async Task ShutdownAsync(IChangeSource source, SessionState state)
    {
        if (!state.Dirty)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(_options.Kafka.OperationTimeout);
            await CommitAsync(source, state, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TransactionAbortedException or OperationCanceledException or Confluent.Kafka.KafkaException)
        {
            _sink.Abort();
        }

        if (LastCommitted is { } last)
        {
            Log.Stopped(_logger, _options.Name, last.Offset);
        }
    }

    /// <summary>Whether the open transaction has reached its phase's event or byte limit.</summary>
    private bool IsFull(SessionState state)
    {
        var limits = Limits(state);
        return _sink.PendingEvents >= limits.MaxEvents || _sink.PendingBytes >= limits.MaxBytes;
    }

    /// <summary>Events, bytes and delay per transaction: a snapshot has its own, larger limits (see <see cref="BatchOptions.SnapshotMaxEvents"/>).</summary>
    private (int MaxEvents, long MaxBytes, TimeSpan MaxDelay) Limits(SessionState state)
    {
        var batch = _options.Kafka.Batch;
        return state.Phase == Phase.Snapshot
            ? (batch.SnapshotMaxEvents, batch.SnapshotMaxBytes, batch.SnapshotMaxDelay)
            : (batch.MaxEvents, batch.MaxBytes, batch.MaxDelay);
    }

    private async Task CommitAsync(IChangeSource source, SessionState state, CancellationToken cancellationToken)
    {
        if (state.Position is not { } position)
        {
            return;
        }

        var progress = new ProgressRecord
        {
            Connector = _options.Name,
            ReplicationId = position.ReplicationId,
            Offset = position.Offset,
            Db = position.Db,
            Phase = state.Phase,
            SnapshotEpoch = state.Epoch,
            TsMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            Server = source.Server,
        };
        var started = Stopwatch.GetTimestamp();
        if (_sink.PendingEvents > 0 && state.Mapper is { } mapper)
        {
            // Commit markers on every partition, after the transaction's events and before its progress record:
            // consumers order events across partitions with them (ControlKind.Commit).
            _markers.Clear();
            mapper.AddCommitMarkers(position, _markers);
            await _sink.WriteAsync(_markers, cancellationToken).ConfigureAwait(false);
        }

        await _sink.CommitAsync(progress, cancellationToken).ConfigureAwait(false);
        CdcMetrics.CommitLatency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        CdcMetrics.TransactionsCommitted.Add(1);
        LastCommitted = progress;
        Commits++;
        state.Dirty = false;
        // Listeners hear of the commit before Redis does: a writer's WAIT can return as soon as the ACK is out.
        Committed?.Invoke(progress);
        if (state.Phase == Phase.Streaming)
        {
            source.Acknowledge(position);
        }
    }

    private sealed class SessionState
    {
        public ulong Epoch { get; set; }

        public Phase Phase { get; set; }

        public SourcePosition? Position { get; set; }

        /// <summary>The session's mapper (writes the commit markers).</summary>
        public ChangeEventMapper? Mapper { get; set; }

        /// <summary>Something (events or a position change) waits for a commit.</summary>
        public bool Dirty { get; set; }

        /// <summary>Timestamp (TimeProvider ticks) by which the pending work must be committed.</summary>
        public long CommitDeadline { get; set; }
    }
}
