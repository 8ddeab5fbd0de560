using Microsoft.Extensions.Logging;

namespace Vdr.RedisStream.Replication;

/// <summary>
/// Drives an <see cref="IReplicationHandler"/> from a <see cref="RedisReplicationClient"/>: callbacks in order,
/// commands handed over in batches of what is already available (up to <see cref="MaxBatchSize"/>), the
/// positions the handler returns confirmed to the client, and <see cref="CallAsync"/> serialized with the callbacks.
/// </summary>
public sealed class ReplicationRunner : IAsyncDisposable
{
    private readonly IReplicationHandler _handler;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ReplicationRunner(RedisReplicaOptions options, IReplicationHandler handler, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
        Client = new RedisReplicationClient(options, loggerFactory);
    }

    public RedisReplicationClient Client { get; }

    /// <summary>Most messages handed to <see cref="IReplicationHandler.HandleCommandsAsync"/> at once.</summary>
    public int MaxBatchSize { get; init; } = 512;

    public ReplicationState State => Client.State;

    /// <summary>The handler's <see cref="IReplicationHandler.Info"/>.</summary>
    public object? HandlerState => _handler.Info();

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, <see cref="StopAsync"/> is called, or a non-transient error.</summary>
    public async Task RunAsync(ReplicationPosition? from, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        await WithGateAsync(() => _handler.InitAsync(from, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            await PumpAsync(from, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failure = ex;
            throw;
        }
        finally
        {
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await _handler.DestroyAsync(failure, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>A request to the handler, run between two callbacks.</summary>
    public async Task<object?> CallAsync(object request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _handler.CallAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask StopAsync(CancellationToken cancellationToken) => Client.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task PumpAsync(ReplicationPosition? from, CancellationToken cancellationToken)
    {
        var batch = new List<ReplicationMessage>(MaxBatchSize);
        var enumerator = Client.StartReplicationAsync(from, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                var next = enumerator.MoveNextAsync();
                if (!next.IsCompleted || batch.Count >= MaxBatchSize)
                {
                    // nothing more is ready right now: hand over what we have
                    await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                if (!await next.ConfigureAwait(false))
                {
                    await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var message = enumerator.Current;
                switch (message)
                {
                    case CommandMessage or TransactionMessage or HeartbeatMessage:
                        batch.Add(message);
                        continue;
                }

                await FlushAsync(batch, cancellationToken).ConfigureAwait(false);
                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    switch (message)
                    {
                        case FullResyncMessage full:
                            await _handler.ReplicationStartAsync(full, cancellationToken).ConfigureAwait(false);
                            break;
                        case SnapshotRecordMessage record:
                            await _handler.SnapshotRecordAsync(record.Record, cancellationToken).ConfigureAwait(false);
                            break;
                        case SnapshotBatchMessage records:
                            foreach (var record in records.Records)
                            {
                                await _handler.SnapshotRecordAsync(record, cancellationToken).ConfigureAwait(false);
                            }

                            break;
                        case SnapshotEndMessage end:
                            Confirm(await _handler.StreamingStartAsync(end.Position, true, cancellationToken).ConfigureAwait(false));
                            break;
                        case ContinueMessage resumed:
                            Confirm(await _handler.StreamingStartAsync(Client.Position ?? new ReplicationPosition(resumed.ReplicationId, resumed.Offset, 0), false, cancellationToken).ConfigureAwait(false));
                            break;
                        case DisconnectedMessage disconnected:
                            await _handler.DisconnectedAsync(disconnected, cancellationToken).ConfigureAwait(false);
                            break;
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
    }

    private async ValueTask FlushAsync(List<ReplicationMessage> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Confirm(await _handler.HandleCommandsAsync([.. batch], cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
            batch.Clear();
        }
    }

    private void Confirm(ReplicationPosition? position)
    {
        if (position is { } p)
        {
            Client.SetProcessedPosition(p);
        }
    }

    private async ValueTask WithGateAsync(Func<ValueTask> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await action().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
