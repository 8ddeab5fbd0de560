using System.Diagnostics;
using Confluent.Kafka;
using Vdr.Cdc.Events.Consuming;
using Vdr.Cdc.Events.Materialize;
using Vdr.RedisStream.Transport;

namespace Vdr.Cdc.Host.Apply;

/// <summary>
/// The apply loop: reads every partition of the connector's data topics (read_committed, manual assignment from the
/// offsets stored in the target), decodes each record, feeds the <see cref="ChangeEventMaterializer"/>, applies what
/// is below the frontier into the target Redis, and commits the consumer group offsets only after the target stored
/// them. Data topics are the <c>&lt;prefix&gt;.*</c> topics except <c>&lt;prefix&gt;.progress</c>, plus any topic a commit
/// marker lists (routing rules can name topics outside the prefix).
/// </summary>
internal sealed class ApplyRunner
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(1);
    private readonly ApplySettings _settings;
    private readonly TextWriter _log;
    private readonly Dictionary<string, int> _assigned = new(StringComparer.Ordinal);

    public ApplyRunner(ApplySettings settings, TextWriter log)
    {
        _settings = settings;
        _log = log;
    }

    /// <summary>Events applied by this run.</summary>
    public long Applied { get; private set; }

    /// <summary>Records dead-lettered by this run.</summary>
    public long DeadLettered { get; private set; }

    /// <summary>The checkpoint after the run.</summary>
    public MaterializeCheckpoint? Checkpoint { get; private set; }

    /// <summary>Events read but still above the frontier when the run ended.</summary>
    public int PendingAtExit { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var url = RedisUrl.Parse(_settings.RedisUrl);
        var connection = await RespConnection.ConnectAsync(url, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        var target = await RedisApplyTarget.ConnectAsync(connection, _settings.EffectiveStateKey, _settings.StateDb, cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            using var deadLetters = _settings.DeadLetterTopic is { } dlq ? new DeadLetterWriter(_settings.Bootstrap, dlq) : null;
            var options = new MaterializeOptions { MaxBatchChanges = _settings.MaxBatch };
            if (deadLetters is not null)
            {
                options.DeadLetter = async (record, problem, reason, ct) =>
                {
                    await _log.WriteLineAsync($"vdr-cdc apply: {record.Location}: {problem}: {reason}; written to dead-letter topic {deadLetters.Topic}").ConfigureAwait(false);
                    await deadLetters.WriteAsync(record.Location, record.Key, record.Value, problem, reason, ct).ConfigureAwait(false);
                    DeadLettered++;
                };
            }

            var materializer = new ChangeEventMaterializer(target, options);
            var checkpoint = await materializer.StartAsync(cancellationToken).ConfigureAwait(false);
            await _log.WriteLineAsync($"vdr-cdc apply: target {target.EndPoint} state {target.StateKey} (db {target.StateDb}), "
                + (checkpoint.Applied is { } at ? $"resuming after position {at}" : "empty checkpoint: reading from the beginning")).ConfigureAwait(false);
            await Task.Run(() => ConsumeAsync(materializer, deadLetters, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ConsumeAsync(ChangeEventMaterializer materializer, DeadLetterWriter? deadLetters, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _settings.Bootstrap }).SetLogHandler((_, _) => { }).Build();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _settings.Bootstrap,
            GroupId = "vdr-cdc-apply-" + _settings.Name,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();
        MaterializeCheckpoint? toCommit = null;
        materializer.Stored += checkpoint => toCommit = checkpoint;
        var lastCommit = Stopwatch.GetTimestamp();
        var lastRecord = Stopwatch.GetTimestamp();
        var nextScan = 0L;
        var sinceApply = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (Stopwatch.GetTimestamp() >= nextScan || materializer.MissingTopics.Any())
                {
                    Assign(admin, consumer, materializer);
                    nextScan = Stopwatch.GetTimestamp() + (long)(ScanInterval.TotalSeconds * Stopwatch.Frequency);
                }

                var result = _assigned.Count == 0 ? null : consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is { IsPartitionEOF: false, Message: not null })
                {
                    lastRecord = Stopwatch.GetTimestamp();
                    await AddAsync(materializer, deadLetters, result, cancellationToken).ConfigureAwait(false);
                    if (++sinceApply < 5000)
                    {
                        continue;
                    }
                }
                else if (_assigned.Count == 0)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }

                sinceApply = 0;
                Applied += await materializer.ApplyReadyAsync(cancellationToken).ConfigureAwait(false);
                if (toCommit is { } stored && Stopwatch.GetElapsedTime(lastCommit) >= CommitInterval)
                {
                    Commit(consumer, stored);
                    toCommit = null;
                    lastCommit = Stopwatch.GetTimestamp();
                }

                if (_settings.ExitWhenIdle is { } idle && Stopwatch.GetElapsedTime(lastRecord) >= idle && !materializer.HasReady)
                {
                    break;
                }
            }
        }
        finally
        {
            if (toCommit is { } last)
            {
                Commit(consumer, last);
            }

            Checkpoint = materializer.Checkpoint;
            PendingAtExit = materializer.Pending;
            consumer.Close();
        }
    }

    private async ValueTask AddAsync(ChangeEventMaterializer materializer, DeadLetterWriter? deadLetters, ConsumeResult<byte[]?, byte[]?> result, CancellationToken cancellationToken)
    {
        var location = new RecordLocation(result.Topic, result.Partition.Value, result.Offset.Value);
        DecodedRecord record;
        try
        {
            record = ChangeEventDecoder.Decode(location, result.Message.Key, result.Message.Value);
        }
        catch (ChangeEventRecordException e) when (deadLetters is not null)
        {
            await _log.WriteLineAsync($"vdr-cdc apply: {e.Message}; written to dead-letter topic {deadLetters.Topic}").ConfigureAwait(false);
            await deadLetters.WriteAsync(location, result.Message.Key, result.Message.Value, e.Problem, e.Reason, cancellationToken).ConfigureAwait(false);
            DeadLettered++;
            materializer.Consumed(new PartitionId(result.Topic, result.Partition.Value), result.Offset.Value + 1);
            return;
        }

        materializer.Add(record);
    }

    /// <summary>Assigns the data topics not assigned yet, each partition from the offset the target stored (else the beginning).</summary>
    private void Assign(IAdminClient admin, IConsumer<byte[]?, byte[]?> consumer, ChangeEventMaterializer materializer)
    {
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var prefix = _settings.TopicPrefix + ".";
        var wanted = new HashSet<string>(materializer.RequiredTopics, StringComparer.Ordinal);
        var added = new List<TopicPartitionOffset>();
        foreach (var topic in metadata.Topics)
        {
            var isData = (topic.Topic.StartsWith(prefix, StringComparison.Ordinal) && topic.Topic != _settings.TopicPrefix + ".progress") || wanted.Contains(topic.Topic);
            if (!isData || topic.Topic == _settings.DeadLetterTopic || topic.Partitions.Count == 0 || _assigned.ContainsKey(topic.Topic))
            {
                continue;
            }

            _assigned[topic.Topic] = topic.Partitions.Count;
            materializer.SetPartitionCount(topic.Topic, topic.Partitions.Count);
            foreach (var partition in topic.Partitions)
            {
                var id = new PartitionId(topic.Topic, partition.PartitionId);
                var next = materializer.Checkpoint.NextOffsets.TryGetValue(id, out var stored) ? stored : 0;
                var low = consumer.QueryWatermarkOffsets(new TopicPartition(topic.Topic, partition.PartitionId), TimeSpan.FromSeconds(10)).Low;
                if (low.Value > next)
                {
                    // Exactness needs every event from where the target stands: records deleted by retention (or
                    // compaction; the librdkafka mock keeps about 5 MB per partition) cannot be replayed.
                    throw new InvalidOperationException(
                        $"topic {topic.Topic} partition {partition.PartitionId} starts at offset {low.Value}, but apply needs the records from offset {next}: "
                        + "they were deleted (retention or compaction), so the target cannot become an exact copy; rebuild it from a topic that holds the whole history (or run apply alongside the connector).");
                }

                materializer.Consumed(id, next);
                added.Add(new TopicPartitionOffset(topic.Topic, partition.PartitionId, new Offset(next)));
            }
        }

        if (added.Count > 0)
        {
            consumer.IncrementalAssign(added);
        }
    }

    private static void Commit(IConsumer<byte[]?, byte[]?> consumer, MaterializeCheckpoint checkpoint)
    {
        var offsets = checkpoint.NextOffsets.Select(p => new TopicPartitionOffset(p.Key.Topic, p.Key.Partition, new Offset(p.Value))).ToList();
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException)
        {
            // The group offsets are informative (the target holds the authoritative ones); the next commit catches up.
        }
    }
}
