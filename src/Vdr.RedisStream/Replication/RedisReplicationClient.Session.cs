using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using Polly;
using Polly.Retry;
using Vdr.RedisStream.Diagnostics;
using Vdr.RedisStream.Psync;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Sentinel;
using Vdr.RedisStream.Transport;

namespace Vdr.RedisStream.Replication;

public sealed partial class RedisReplicationClient
{
    /// <summary>During a snapshot transfer the socket is reported readable per 64 KB (see <see cref="ReceiveBatching"/>).</summary>
    private const int SnapshotReceiveLowWater = 64 * 1024;

    /// <summary>
    /// How often bytes held below the mark are checked: the end of a transfer waits at most two ticks. At 5 ms the
    /// timer thread woke ~2,200 times in a 500k-key sync (3.5 % of the process's samples on 700-byte keys); at 20 ms ~730.
    /// </summary>
    private static readonly TimeSpan SnapshotReceiveTick = TimeSpan.FromMilliseconds(20);

    private int _attemptsAtProgress;
    private int _lastAttempt;
    private string? _replicationId;

    private async Task ProduceAsync(ChannelWriter<ReplicationMessage> writer, CancellationToken cancellationToken)
    {
        try
        {
            if (_options.Reconnect)
            {
                await BuildRetryPipeline(writer).ExecuteAsync(
                    async (state, ct) => await state.RunSessionAsync(writer, ct).ConfigureAwait(false), this, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RunSessionAsync(writer, cancellationToken).ConfigureAwait(false);
            }

            writer.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            Log.Failed(_logger, ex.Message);
            writer.TryComplete(ex);
        }
        finally
        {
            SetState(ReplicationState.Stopped);
            Log.Stopped(_logger);
        }
    }

    private ResiliencePipeline BuildRetryPipeline(ChannelWriter<ReplicationMessage> writer) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RedisStreamException>(ex => ex.IsTransient),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args =>
                {
                    _lastAttempt = args.AttemptNumber;
                    return ValueTask.FromResult<TimeSpan?>(ReconnectDelay(args.AttemptNumber - _attemptsAtProgress));
                },
                OnRetry = async args =>
                {
                    SetState(ReplicationState.Disconnected);
                    var reason = args.Outcome.Exception?.Message ?? "disconnected";
                    Log.Reconnecting(_logger, reason, (long)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1);
                    ReplicationMetrics.Reconnects.Add(1);
                    await writer.WriteAsync(new DisconnectedMessage(reason, args.RetryDelay), args.Context.CancellationToken).ConfigureAwait(false);
                },
            })
            .Build();

    /// <summary>Exponential backoff from the initial delay, doubling per failure since the last good session, capped, with ±20 % jitter.</summary>
    internal TimeSpan ReconnectDelay(int failuresSinceProgress)
    {
        var exponent = Math.Clamp(failuresSinceProgress, 0, 30);
        var raw = _options.ReconnectInitialDelay.TotalMilliseconds * Math.Pow(2, exponent);
        var capped = Math.Min(raw, _options.ReconnectMaxDelay.TotalMilliseconds);
        var jittered = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, _options.ReconnectMaxDelay.TotalMilliseconds));
    }

    private async ValueTask RunSessionAsync(ChannelWriter<ReplicationMessage> writer, CancellationToken cancellationToken)
    {
        SetState(ReplicationState.Connecting);
        var (host, port) = await ResolvePrimaryAsync(cancellationToken).ConfigureAwait(false);
        Log.Connecting(_logger, $"{host}:{port}", _url.UseTls);
        var connection = await ReplicationConnection.ConnectAsync(host, port, _url.UseTls, _options, cancellationToken).ConfigureAwait(false);
        var spool = new ReplicationSpool(connection.Stream, _options.SpoolMemoryBytes, _options.SpoolMaxBytes, _options.SpoolDirectory, _options.ReadTimeout);
        var input = PipeReader.Create(spool.Output, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 8 * 1024, leaveOpen: true));
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var feedback = Task.CompletedTask;
        var streaming = false;
        try
        {
            spool.Start();
            _spool = spool;
            Volatile.Write(ref _connectedEndpoint, connection.EndPoint);
            ReplicationPosition? from;
            lock (_sync)
            {
                from = _processed;
            }

            Log.Connected(_logger, connection.EndPoint, from?.ToString() ?? "? -1");
            var handshake = new ReplicationHandshake(connection, input, SetState, _logger);
            var reply = await handshake.RunAsync(_options.Username ?? _url.Username, _options.Password ?? _url.Password, _options.ListeningPort, from, session.Token).ConfigureAwait(false);
            feedback = Task.Run(() => FeedbackLoopAsync(connection, session.Token), CancellationToken.None);
            long startOffset;
            if (reply.IsFullResync)
            {
                await ReceiveSnapshotAsync(reply, input, spool, connection, writer, session.Token).ConfigureAwait(false);
                startOffset = reply.Offset;
            }
            else
            {
                startOffset = await AcceptContinueAsync(reply, from!.Value, writer, session.Token).ConfigureAwait(false);
            }

            _attemptsAtProgress = _lastAttempt + 1;
            streaming = true;
            SetState(ReplicationState.Streaming);
            await SendAckAsync(connection, session.Token).ConfigureAwait(false);
            await StreamCommandsAsync(input, writer, startOffset, session.Token).ConfigureAwait(false);
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await feedback.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (streaming && _stop.IsCancellationRequested)
            {
                await SendFinalAckAsync(connection).ConfigureAwait(false);
            }

            _spool = null;
            StopSnapshotProgress();
            Volatile.Write(ref _connectedEndpoint, null);
            connection.Abort();
            await input.CompleteAsync().ConfigureAwait(false);
            await spool.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            SetState(ReplicationState.Disconnected);
        }
    }

    private async ValueTask<long> AcceptContinueAsync(PsyncReply reply, ReplicationPosition from, ChannelWriter<ReplicationMessage> writer, CancellationToken cancellationToken)
    {
        var position = new ReplicationPosition(reply.ReplicationId, from.Offset, from.Db);
        lock (_sync)
        {
            _history.Add(reply.ReplicationId);
            _replicationId = reply.ReplicationId;
            _db = from.Db;
            if (_position is not { } p || p.Offset <= from.Offset)
            {
                _position = position;
            }
        }

        Log.Continue(_logger, reply.ReplicationId, from.Offset);
        await writer.WriteAsync(new ContinueMessage(reply.ReplicationId, from.Offset), cancellationToken).ConfigureAwait(false);
        return from.Offset;
    }

    private async Task ReceiveSnapshotAsync(PsyncReply reply, PipeReader input, ReplicationSpool spool, ReplicationConnection connection, ChannelWriter<ReplicationMessage> writer, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            // A new history: confirmations and positions of the old one no longer apply.
            _history.Clear();
            _history.Add(reply.ReplicationId);
            _replicationId = reply.ReplicationId;
            _processed = null;
            _position = null;
            _deliveredOffset = -1;
            _getAckTarget = -1;
        }

        Log.FullResync(_logger, reply.ReplicationId, reply.Offset);
        ReplicationMetrics.FullResyncs.Add(1);
        await writer.WriteAsync(new FullResyncMessage(reply.ReplicationId, reply.Offset), cancellationToken).ConfigureAwait(false);

        SetState(ReplicationState.RdbTransfer);
        var headerLine = await ProtocolLineReader.ReadLineAsync(input, skipEmptyLines: true, "the snapshot transfer header", cancellationToken).ConfigureAwait(false);
        var header = TransferHeader.Parse(headerLine);
        Log.SnapshotStarted(_logger, header.IsDiskless ? "diskless" : $"disk, {header.Length} bytes");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var payload = new RdbPayloadReader(input, header);
        BeginSnapshotProgress(payload, header.IsDiskless ? -1 : header.Length);
        var db = 0;
        long recordCount = 0;
        long keys = 0;
        long readByDecoder;
        long length;
        using (connection.BatchReceives(() => spool.ReceivedBytes, SnapshotReceiveLowWater, SnapshotReceiveTick))
        {
            await foreach (var (records, bytes) in SnapshotDecoder.ReadBatchesAsync(payload, _options.Rdb, cancellationToken).ConfigureAwait(false))
            {
                var messages = _options.SnapshotBatches ? null : new ReplicationMessage[records.Count];
                for (var i = 0; i < records.Count; i++)
                {
                    var record = records[i];
                    if (record is RdbAux aux && Encoding.ASCII.GetString(aux.Key) == "repl-stream-db"
                        && int.TryParse(Encoding.ASCII.GetString(aux.Value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var streamDb) && streamDb >= 0)
                    {
                        db = streamDb;
                    }

                    if (record is RdbKeyStart)
                    {
                        keys++;
                    }

                    if (messages is not null)
                    {
                        messages[i] = new SnapshotRecordMessage(record);
                    }
                }

                recordCount += records.Count;
                Volatile.Write(ref _snapshotKeys, keys);
                ReplicationMessage batch = messages is null ? new SnapshotBatchMessage(records, bytes) : new ReplicationMessageBatch(messages);
                if (!writer.TryWrite(batch))
                {
                    await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }
            }

            readByDecoder = payload.Consumed;
            length = await payload.FinishAsync(cancellationToken).ConfigureAwait(false);
        }

        if (length != readByDecoder)
        {
            Log.PayloadBytesSkipped(_logger, length - readByDecoder);
        }

        ReplicationMetrics.SnapshotBytes.Add(length);
        EndSnapshotProgress(length);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        Log.SnapshotFinished(_logger, length, keys, recordCount, (long)elapsed.TotalMilliseconds, Math.Round(keys / seconds), Math.Round(length / seconds / (1024 * 1024), 1));
        var position = new ReplicationPosition(reply.ReplicationId, reply.Offset, db);
        lock (_sync)
        {
            _db = db;
            _position = position;
            _deliveredOffset = reply.Offset;
        }

        // The primary starts a diskless replica's command stream on its first ACK: send it before anything can block.
        SetState(ReplicationState.Streaming);
        await SendAckAsync(connection, cancellationToken).ConfigureAwait(false);
        if (header.IsDiskless)
        {
            var transferEnded = System.Diagnostics.Stopwatch.GetTimestamp();
            _ = Task.Run(() => SendPostSnapshotAcksAsync(reply.Offset, transferEnded, cancellationToken), CancellationToken.None);
        }

        await writer.WriteAsync(new SnapshotEndMessage(position), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<(string Host, int Port)> ResolvePrimaryAsync(CancellationToken cancellationToken)
    {
        if (_options.Sentinels.Count == 0 || _options.SentinelMasterName is null)
        {
            return (_url.Host, _url.Port);
        }

        return await SentinelResolver.ResolveAsync(_options, _logger, cancellationToken).ConfigureAwait(false);
    }
}
