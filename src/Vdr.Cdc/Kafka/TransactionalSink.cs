using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Vdr.Cdc.Diagnostics;
using Vdr.Cdc.Events;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Routing;

namespace Vdr.Cdc.Kafka;

/// <summary>
/// The transactional Kafka producer, after Confluent's exactly-once contract: <c>InitTransactions</c> once (fences
/// older instances with the same transactional.id and aborts their open transaction), records produced without
/// awaiting each one, then one progress record last and <c>CommitTransaction</c>. Retriable errors are retried;
/// TxnRequiresAbort aborts and surfaces as <see cref="TransactionAbortedException"/>; fatal errors as
/// <see cref="KafkaFatalException"/>.
/// </summary>
public sealed partial class TransactionalSink : IDisposable
{
    private readonly KafkaOptions _options;
    private readonly string _connector;
    private readonly KafkaTopicCatalog _catalog;
    private readonly IEventSerializer _serializer;
    private readonly ILogger _logger;
    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly Dictionary<string, TopicTarget> _topics = new(StringComparer.Ordinal);
    private readonly DirectTopicProducer? _direct;
    private byte[] _valueBuffer = [];
    private readonly NativeProduceBatch _batch = new();
    private readonly Message<byte[], byte[]?> _message = new();
    private readonly string _progressTopic;
    private readonly TopicPartition _progressPartition;
    private readonly byte[] _progressKey;
    private volatile Error? _fatalError;
    private bool _inTransaction;

    public TransactionalSink(KafkaOptions options, string connector, KafkaTopicCatalog catalog, IEventSerializer serializer, ILogger logger)
    {
        _options = options;
        _connector = connector;
        _catalog = catalog;
        _serializer = serializer;
        _logger = logger;
        _progressTopic = new TopicRouter(options.TopicPrefix).ProgressTopic;
        _progressPartition = new TopicPartition(_progressTopic, 0);
        _progressKey = Encoding.UTF8.GetBytes(connector);
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            TransactionalId = connector,
            EnableIdempotence = true,
            Partitioner = Partitioner.Murmur2Random,
            TransactionTimeoutMs = (int)options.TransactionTimeout.TotalMilliseconds,
            LingerMs = 5,
            // Nothing here waits for a record's own delivery (a failed one fails the transaction's commit), so
            // librdkafka need not queue a report per record for Confluent.Kafka's poll loop to marshal and drop.
            EnableDeliveryReports = false,
        };
        foreach (var (key, value) in options.ProducerSettings())
        {
            config.Set(key, value);
        }

        _producer = new ProducerBuilder<byte[], byte[]?>(config)
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    _fatalError = error;
                }

                Log.KafkaError(_logger, error.Code.ToString(), error.Reason, error.IsFatal);
            })
            .SetLogHandler((_, message) =>
            {
                if (message.Level <= SyslogLevel.Warning)
                {
                    Log.KafkaLog(_logger, message.Facility, message.Message);
                }
            })
            .Build();
        _direct = DirectTopicProducer.TryCreate(_producer, out var reason);
        if (_direct is null)
        {
            Log.DirectProduceUnavailable(_logger, reason ?? "unknown");
        }
    }

    /// <summary>True when data records go through librdkafka's topic handles (<see cref="DirectTopicProducer"/>), false on the Confluent.Kafka fallback.</summary>
    public bool ProducesDirectly => _direct is not null;

    /// <summary>Records produced in the open transaction.</summary>
    public int PendingEvents { get; private set; }

    /// <summary>Value bytes produced in the open transaction.</summary>
    public long PendingBytes { get; private set; }

    /// <summary>Records committed since start.</summary>
    public ulong CommittedEvents { get; private set; }

    /// <summary>Fences older instances and aborts their open transaction.</summary>
    public void InitTransactions()
    {
        Call("InitTransactions", () => _producer.InitTransactions(_options.OperationTimeout));
    }

    /// <summary>Produces the records into the open transaction (begun on the first record).</summary>
    /// <remarks>
    /// Synchronous once every topic of the records is known (the hot path: no await per record); a new topic is
    /// looked up (partition count, serializer preparation) once.
    /// </remarks>
    public ValueTask WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        _batch.Clear();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (!_topics.TryGetValue(record.Topic, out var target))
            {
                return WriteFromNewTopicAsync(records, i, cancellationToken);
            }

            Produce(record, target);
        }

        FlushBatch();
        return ValueTask.CompletedTask;
    }

    private async ValueTask WriteFromNewTopicAsync(IReadOnlyList<OutgoingRecord> records, int from, CancellationToken cancellationToken)
    {
        for (var i = from; i < records.Count; i++)
        {
            var record = records[i];
            if (!_topics.TryGetValue(record.Topic, out var target))
            {
                var count = await _catalog.GetPartitionCountAsync(record.Topic, isProgressTopic: false, cancellationToken).ConfigureAwait(false);
                await _serializer.PrepareTopicAsync(record.Topic, cancellationToken).ConfigureAwait(false);
                var partitions = new TopicPartition[count];
                for (var p = 0; p < count; p++)
                {
                    partitions[p] = new TopicPartition(record.Topic, p);
                }

                target = new TopicTarget(partitions, _direct?.Topic(record.Topic) ?? IntPtr.Zero);
                _topics.Add(record.Topic, target);
            }

            Produce(record, target);
        }

        FlushBatch();
    }

    private void Produce(OutgoingRecord record, TopicTarget target)
    {
        // The direct path gathers the write's records for rd_kafka_produce_batch (it copies them in); the
        // Confluent.Kafka fallback produces each at once and needs an array of exactly the value.
        var length = record.IsTombstone ? 0
            : record.SnapshotRead is { } read ? _serializer.Serialize(record.Topic, read, ref _valueBuffer)
            : _serializer.Serialize(record.Topic, record.Event!, ref _valueBuffer);
        var partitions = target.Partitions;
        if (target.Native != IntPtr.Zero)
        {
            var stored = _batch.Store(record.Key, _valueBuffer.AsSpan(0, length), record.IsTombstone);
            var first = record.AllPartitions ? 0 : Murmur2Partitioner.Partition(record.Key ?? [], partitions.Length);
            var last = record.AllPartitions ? partitions.Length - 1 : first;
            for (var partition = first; partition <= last; partition++)
            {
                _batch.Add(target.Native, partition, stored, record);
                PendingEvents++;
                PendingBytes += stored.Bytes;
            }

            return;
        }

        var value = record.IsTombstone ? null : _valueBuffer[..length];
        try
        {
            if (record.AllPartitions)
            {
                foreach (var partition in partitions)
                {
                    Produce(partition, record.Key, value);
                }
            }
            else
            {
                Produce(partitions[Murmur2Partitioner.Partition(record.Key ?? [], partitions.Length)], record.Key, value);
            }
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.MsgSizeTooLarge)
        {
            throw RecordTooLarge(record, length, e);
        }
    }

    /// <summary>Hands the gathered records of the direct path to librdkafka.</summary>
    private void FlushBatch()
    {
        if (_batch.Count == 0)
        {
            return;
        }

        EnsureTransaction();
        if (_batch.Flush(_direct!, () => _producer.Poll(TimeSpan.FromMilliseconds(50))) is not { } refused)
        {
            return;
        }

        var error = new KafkaException(new Error(refused.Error, $"Produce to {refused.Record.Topic}: {new Error(refused.Error).Reason}"));
        if (refused.Error == ErrorCode.MsgSizeTooLarge)
        {
            throw RecordTooLarge(refused.Record, refused.ValueLength, error);
        }

        Classify("Produce", error);
        throw error;
    }

    /// <summary>
    /// Produces the progress record last and commits (an empty batch still commits the progress). Throws
    /// <see cref="TransactionAbortedException"/> when the transaction had to be aborted.
    /// </summary>
    public async ValueTask CommitAsync(ProgressRecord progress, CancellationToken cancellationToken)
    {
        await _catalog.GetPartitionCountAsync(_progressTopic, isProgressTopic: true, cancellationToken).ConfigureAwait(false);
        progress.Events = CommittedEvents + (ulong)PendingEvents;

        // Events are delivered before the progress record is produced: a broker that shows aborted records (the
        // librdkafka mock) must never show a progress record of a killed run whose events did not all arrive.
        var unsent = await Task.Run(() => _producer.Flush(_options.OperationTimeout), cancellationToken).ConfigureAwait(false);
        if (unsent > 0)
        {
            Abort();
            throw new TransactionAbortedException($"Kafka did not acknowledge {unsent} events within {_options.OperationTimeout.TotalSeconds:0} s; the transaction was aborted.");
        }

        var progressValue = progress.ToByteArray();
        Produce(_progressPartition, _progressKey, progressValue, countsAsEvent: false);
        await Task.Run(() => Call("CommitTransaction", () => _producer.CommitTransaction(_options.OperationTimeout)), cancellationToken).ConfigureAwait(false);
        _inTransaction = false;
        CommittedEvents += (ulong)PendingEvents;
        PendingEvents = 0;
        PendingBytes = 0;
    }

    /// <summary>Aborts the open transaction, if any (graceful shutdown or rewind).</summary>
    public void Abort()
    {
        if (!_inTransaction)
        {
            return;
        }

        try
        {
            _producer.AbortTransaction(_options.OperationTimeout);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            Log.AbortFailed(_logger, e.Error.Reason);
        }

        _inTransaction = false;
        PendingEvents = 0;
        PendingBytes = 0;
    }

    public void Dispose()
    {
        _direct?.Dispose();
        _producer.Dispose();
    }

    /// <param name="value">The value (null: a tombstone); on the direct path only its first <paramref name="length"/> bytes.</param>
    /// <summary>Produces one record through Confluent.Kafka (the progress record, and every record when the direct path is unavailable).</summary>
    private void Produce(TopicPartition target, byte[]? key, byte[]? value, bool countsAsEvent = true)
    {
        EnsureTransaction();

        // One message object for every record: without a delivery handler the client copies key and value into
        // librdkafka during Produce and keeps no reference to it.
        var message = _message;
        message.Key = key!;
        message.Value = value;
        while (true)
        {
            try
            {
                _producer.Produce(target, message);
                break;
            }
            catch (ProduceException<byte[], byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                _producer.Poll(TimeSpan.FromMilliseconds(50));
            }
            catch (KafkaException e)
            {
                Classify("Produce", e);
                throw;
            }
        }

        if (countsAsEvent)
        {
            PendingEvents++;
            PendingBytes += (value?.Length ?? 0) + (key?.Length ?? 0);
        }
    }

    private void EnsureTransaction()
    {
        if (_fatalError is { } fatal)
        {
            throw new KafkaFatalException($"Kafka producer '{_connector}' hit a fatal error: {fatal.Code}: {fatal.Reason}", new KafkaException(fatal));
        }

        if (!_inTransaction)
        {
            Call("BeginTransaction", _producer.BeginTransaction);
            _inTransaction = true;
        }
    }

    private sealed record TopicTarget(TopicPartition[] Partitions, IntPtr Native);
}
