using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vdr.RedisStream.Transport;

namespace Vdr.RedisStream.Replication;

/// <summary>
/// A Redis replica over PSYNC. <see cref="StartReplicationAsync"/> returns the stream of messages (snapshot,
/// commands with exact positions); the consumer reports what it has processed with
/// <see cref="SetProcessedPosition"/>, and that is what <c>REPLCONF ACK</c> carries and where a reconnect resumes.
/// </summary>
/// <remarks>
/// Shaped like Npgsql's logical replication connection. Internally one task drains the socket into a spool, one
/// decodes the stream into a bounded message buffer (so GETACK is answered while the consumer is busy), and one
/// sends feedback. After a reconnect the stream resumes at the processed position; messages the consumer has
/// already received are recognised by their offsets and not delivered twice.
/// </remarks>
public sealed partial class RedisReplicationClient : IAsyncDisposable
{
    private readonly RedisReplicaOptions _options;
    private readonly ILogger _logger;
    private readonly RedisUrl _url;
    private readonly object _sync = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _history = new(StringComparer.Ordinal);
    private int _state;
    private int _started;
    private ReplicationPosition? _position;
    private ReplicationPosition? _processed;
    private long _deliveredOffset = -1;
    private string? _connectedEndpoint;
    private Task? _producer;

    public RedisReplicationClient(RedisReplicaOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _url = RedisUrl.Parse(options.Url);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisReplicationClient>();
        if (options.ConnectTimeout <= TimeSpan.Zero || options.ReadTimeout <= TimeSpan.Zero || options.AckInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("ConnectTimeout, ReadTimeout and AckInterval must be positive.", nameof(options));
        }

        if (options.MessageBufferCapacity < 1)
        {
            throw new ArgumentException("MessageBufferCapacity must be at least 1.", nameof(options));
        }
    }

    /// <summary>Current step of the link (handshake steps, transfer, streaming, disconnected, stopped).</summary>
    public ReplicationState State => (ReplicationState)Volatile.Read(ref _state);

    /// <summary>Last position received: the end of the last complete message decoded (never inside MULTI…EXEC).</summary>
    public ReplicationPosition? Position
    {
        get
        {
            lock (_sync)
            {
                return _position;
            }
        }
    }

    /// <summary>Last position confirmed by the consumer.</summary>
    public ReplicationPosition? ProcessedPosition
    {
        get
        {
            lock (_sync)
            {
                return _processed;
            }
        }
    }

    /// <summary>Replication id of the current history (null before the first PSYNC reply).</summary>
    public string? ReplicationId => Position?.ReplicationId;

    /// <summary>Offset of <see cref="Position"/> (-1 before the first PSYNC reply).</summary>
    public long Offset => Position?.Offset ?? -1;

    /// <summary>"host:port" of the node we are connected to, null when not connected.</summary>
    public string? ConnectedEndpoint => Volatile.Read(ref _connectedEndpoint);

    /// <summary>Where the client connects (as parsed from the options' URL).</summary>
    public RedisUrl Url => _url;

    /// <summary>
    /// Starts replicating. <paramref name="from"/> null: <c>PSYNC ? -1</c> (full sync). Otherwise
    /// <c>PSYNC replid offset+1</c>. Reconnects inside (when enabled), resuming from the last processed position.
    /// One enumeration per client.
    /// </summary>
    public async IAsyncEnumerable<ReplicationMessage> StartReplicationAsync(ReplicationPosition? from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _started, 1, 0) != 0)
        {
            throw new InvalidOperationException("StartReplicationAsync can be called once per client.");
        }

        // Counters exist (at 0) from the start, so "no reconnects" is a value rather than a missing series.
        Diagnostics.ReplicationMetrics.Reconnects.Add(0);
        Diagnostics.ReplicationMetrics.FullResyncs.Add(0);
        lock (_sync)
        {
            _processed = from;
            _position = from;
            if (from is { } f)
            {
                _history.Add(f.ReplicationId);
                _deliveredOffset = f.Offset;
                _db = f.Db;
            }
        }

        var channel = Channel.CreateBounded<ReplicationMessage>(new BoundedChannelOptions(_options.MessageBufferCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        _producer = Task.Run(() => ProduceAsync(channel.Writer, linked.Token), CancellationToken.None);
        try
        {
            var reader = channel.Reader;
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ChannelClosedException ex) when (ex.InnerException is not null)
                {
                    ExceptionDispatchInfo.Throw(ex.InnerException);
                    throw;
                }

                if (!more)
                {
                    break;
                }

                while (reader.TryRead(out var message))
                {
                    if (message is ReplicationMessageBatch batch)
                    {
                        foreach (var item in batch.Messages)
                        {
                            yield return item;
                        }
                    }
                    else
                    {
                        yield return message;
                    }
                }
            }
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await _producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            SetState(ReplicationState.Stopped);
        }
    }

    /// <summary>
    /// The consumer confirms it has processed everything up to <paramref name="position"/> (for the connector:
    /// committed to Kafka). ACKs carry it and a reconnect resumes after it. Positions of an older history
    /// (before a full resync) are ignored.
    /// </summary>
    public void SetProcessedPosition(ReplicationPosition position)
    {
        bool wake;
        lock (_sync)
        {
            if (!_history.Contains(position.ReplicationId) || (_processed is { } p && position.Offset < p.Offset && _history.Contains(p.ReplicationId)))
            {
                return;
            }

            _processed = position;
            wake = _getAckTarget >= 0;
            if (wake && position.Offset >= _getAckTarget)
            {
                _getAckTarget = -1;
            }
        }

        if (wake)
        {
            RequestAck();
        }
    }

    /// <summary>Stops replicating: the message stream ends (after a final ACK of the processed position).</summary>
    public async ValueTask StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_producer is { } producer)
        {
            await producer.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        SetState(ReplicationState.Stopped);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private void SetState(ReplicationState state) => Volatile.Write(ref _state, (int)state);
}
