using System.Diagnostics;
using Vdr.RedisStream.Diagnostics;
using Vdr.RedisStream.Resp;
using Vdr.RedisStream.Transport;

namespace Vdr.RedisStream.Replication;

public sealed partial class RedisReplicationClient
{
    /// <summary>When the extra ACKs after a diskless snapshot are sent (ms after the transfer ended).</summary>
    private static readonly int[] PostSnapshotAckDelaysMs = [10, 50, 100, 200, 350, 500, 750, 1000, 1500, 2000];

    private readonly SemaphoreSlim _ackSignal = new(0, 1);
    private long _getAckTarget = -1;
    private ReplicationSpool? _spool;

    /// <summary>Bytes received from the server and not yet decoded (in memory or spilled to the spool file).</summary>
    public long SpooledBytes => _spool?.PendingBytes ?? 0;

    /// <summary>The largest size the spool's spill file has reached on the current connection.</summary>
    public long PeakSpilledBytes => _spool?.PeakSpilledBytes ?? 0;

    /// <summary>Asks the feedback loop to send an ACK now (coalesced).</summary>
    private void RequestAck()
    {
        try
        {
            if (_ackSignal.CurrentCount == 0)
            {
                _ackSignal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // already signalled
        }
    }

    /// <summary>
    /// Keeps the link alive the way a Redis replica does: while the snapshot is transferred, a bare newline every
    /// interval (it refreshes the primary's ack time; REPLCONF ACK is not valid yet); while streaming,
    /// <c>REPLCONF ACK &lt;processed offset&gt;</c> every interval and at once when requested (GETACK).
    /// </summary>
    private async Task FeedbackLoopAsync(ReplicationConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var next = DateTime.UtcNow + _options.AckInterval;
            while (!cancellationToken.IsCancellationRequested)
            {
                var wait = next - DateTime.UtcNow;
                var signalled = wait > TimeSpan.Zero && await _ackSignal.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                if (!signalled)
                {
                    next = DateTime.UtcNow + _options.AckInterval;
                }

                switch (State)
                {
                    case ReplicationState.Streaming:
                        await SendAckAsync(connection, cancellationToken).ConfigureAwait(false);
                        break;
                    case ReplicationState.RdbTransfer when !signalled:
                        await connection.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the session ended
        }
        catch (RedisReplicationException ex)
        {
            Log.FeedbackFailed(_logger, ex.Message);
            connection.Abort();
        }
    }

    /// <summary>
    /// After a diskless transfer the primary starts the command stream only on a REPLCONF ACK that arrives after it
    /// has handled the end of the transfer (Redis 7.0 waits for the saving child to exit); the ACK sent right after
    /// the payload can beat that and is then ignored, which would hold the stream back until the next periodic ACK.
    /// A few extra ACKs shortly after the snapshot close that window; they stop once the stream has delivered
    /// something, or when the periodic ACK takes over. The schedule counts from the end of the transfer, not from
    /// when this task got a thread, so a busy thread pool does not push every ACK back.
    /// </summary>
    private async Task SendPostSnapshotAcksAsync(long snapshotOffset, long ended, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var delayMs in PostSnapshotAckDelaysMs)
            {
                var due = TimeSpan.FromMilliseconds(delayMs);
                if (due >= _options.AckInterval)
                {
                    return;
                }

                var wait = due - Stopwatch.GetElapsedTime(ended);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                lock (_sync)
                {
                    if (_deliveredOffset > snapshotOffset)
                    {
                        return;
                    }
                }

                RequestAck();
            }
        }
        catch (OperationCanceledException)
        {
            // the session ended
        }
    }

    /// <summary>The offset ACKs carry: the consumer's processed offset in the current history, 0 before any.</summary>
    internal long AckOffset
    {
        get
        {
            lock (_sync)
            {
                return _processed is { } p && _history.Contains(p.ReplicationId) ? p.Offset : 0;
            }
        }
    }

    private async ValueTask SendAckAsync(ReplicationConnection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[64];
        var n = RespWriter.ReplconfAck(AckOffset, buffer);
        await connection.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SendFinalAckAsync(ReplicationConnection connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await SendAckAsync(connection, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisReplicationException or OperationCanceledException)
        {
            Log.FeedbackFailed(_logger, ex.Message);
        }
    }
}
