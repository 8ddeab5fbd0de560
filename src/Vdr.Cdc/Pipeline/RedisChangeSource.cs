using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Pipeline;

/// <summary>The replication client (<see cref="RedisReplicationClient"/>) as the pipeline's source.</summary>
public sealed class RedisChangeSource : IChangeSource
{
    private readonly RedisReplicationClient _client;
    private readonly SourceFilter? _filter;

    /// <param name="options">The replication client's options.</param>
    /// <param name="loggerFactory">Logs of the replication client.</param>
    /// <param name="filter">Keys and commands to capture (null: everything); its command filter replaces <see cref="RedisReplicaOptions.CommandFilter"/>.</param>
    public RedisChangeSource(RedisReplicaOptions options, ILoggerFactory? loggerFactory = null, SourceFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (filter is not null)
        {
            options.CommandFilter = filter.ToCommandFilter();
        }

        options.SnapshotBatches = true;
        _filter = filter;
        _client = new RedisReplicationClient(options, loggerFactory);
    }

    public string Server => _client.ConnectedEndpoint ?? _client.Url.EndPoint;

    /// <summary>The replication client (state, snapshot progress, spool) for health and metrics.</summary>
    public RedisReplicationClient Client => _client;

    public async IAsyncEnumerable<SourceMessage> StartAsync(SourcePosition? from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var db = from?.Db ?? 0;
        ReplicationPosition? start = from is { } f ? new ReplicationPosition(f.ReplicationId, f.Offset, f.Db) : null;
        await foreach (var message in _client.StartReplicationAsync(start, cancellationToken).ConfigureAwait(false))
        {
            if (message is SnapshotBatchMessage batch)
            {
                var records = Filter(batch.Records);
                if (records.Count > 0)
                {
                    // The decoder's size of the whole batch bounds the kept records' size.
                    yield return new SourceMessage.SnapshotBatch(records, batch.EstimatedBytes);
                }

                continue;
            }

            if (_filter is not null && message is SnapshotRecordMessage record && _filter.SkipsSnapshotRecord(record.Record))
            {
                continue;
            }

            SourceMessage? converted = message switch
            {
                FullResyncMessage m => new SourceMessage.FullResync(m.ReplicationId, m.Offset),
                ContinueMessage m => new SourceMessage.Continue(new SourcePosition(m.ReplicationId, m.Offset, db)),
                SnapshotRecordMessage m => new SourceMessage.Snapshot(m.Record),
                SnapshotEndMessage m => new SourceMessage.SnapshotEnd(Convert(m.Position)),
                CommandMessage m => Convert(m),
                TransactionMessage m => new SourceMessage.Transaction(m.Db, [.. m.Commands.Select(Convert)], m.StartOffset, Convert(m.Position)),
                HeartbeatMessage m => new SourceMessage.Heartbeat(Convert(m.Position)),
                DisconnectedMessage m => new SourceMessage.Disconnected($"{m.Reason} (retry in {m.RetryIn.TotalSeconds:0.#} s)"),
                _ => null,
            };
            if (converted is not null)
            {
                db = converted switch
                {
                    SourceMessage.Command c => c.Position.Db,
                    SourceMessage.Transaction t => t.Position.Db,
                    SourceMessage.Heartbeat h => h.Position.Db,
                    SourceMessage.SnapshotEnd e => e.Position.Db,
                    _ => db,
                };
                yield return converted;
            }
        }
    }

    public void Acknowledge(SourcePosition committed) =>
        _client.SetProcessedPosition(new ReplicationPosition(committed.ReplicationId, committed.Offset, committed.Db));

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _client.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping took too long; disposing closes the connection anyway.
            }
        }

        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private IReadOnlyList<RdbRecord> Filter(IReadOnlyList<RdbRecord> records)
    {
        if (_filter is null)
        {
            return records;
        }

        var kept = new List<RdbRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            if (!_filter.SkipsSnapshotRecord(records[i]))
            {
                kept.Add(records[i]);
            }
        }

        return kept;
    }

    private static SourcePosition Convert(ReplicationPosition position) => new(position.ReplicationId, position.Offset, position.Db);

    private static SourceMessage.Command Convert(CommandMessage m) => new(m.Db, m.Args, m.StartOffset, Convert(m.Position));
}
