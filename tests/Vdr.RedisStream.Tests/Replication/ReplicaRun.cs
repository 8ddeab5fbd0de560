using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Tests.Replication;

/// <summary>Runs a replication client in the background and records every message it delivers.</summary>
internal sealed class ReplicaRun : IAsyncDisposable
{
    private readonly List<ReplicationMessage> _messages = [];
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _pump;

    private ReplicaRun(RedisReplicaOptions options, ReplicationPosition? from, bool confirm, int confirmLag, Func<ReplicationMessage, Task>? onMessage)
    {
        var recent = new Queue<ReplicationPosition>();
        Client = new RedisReplicationClient(options);
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in Client.StartReplicationAsync(from, _cts.Token))
                {
                    lock (_messages)
                    {
                        _messages.Add(message);
                    }

                    if (onMessage is not null)
                    {
                        await onMessage(message);
                    }

                    if (message is FullResyncMessage)
                    {
                        recent.Clear();
                    }

                    if (confirm && PositionOf(message) is { } position)
                    {
                        // confirm with a lag of confirmLag messages: received is ahead of processed
                        recent.Enqueue(position);
                        while (recent.Count > confirmLag)
                        {
                            Client.SetProcessedPosition(recent.Dequeue());
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Error = ex;
            }
        });
    }

    public RedisReplicationClient Client { get; }

    public Exception? Error { get; private set; }

    public bool Finished => _pump.IsCompleted;

    public IReadOnlyList<ReplicationMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public static RedisReplicaOptions Options(int port, Action<RedisReplicaOptions>? configure = null)
    {
        var options = new RedisReplicaOptions
        {
            Url = $"redis://127.0.0.1:{port}",
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            AckInterval = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return options;
    }

    public static ReplicaRun Start(RedisReplicaOptions options, ReplicationPosition? from = null, bool confirm = true, int confirmLag = 0, Func<ReplicationMessage, Task>? onMessage = null) =>
        new(options, from, confirm, confirmLag, onMessage);

    public static ReplicationPosition? PositionOf(ReplicationMessage message) => message switch
    {
        CommandMessage c => c.Position,
        TransactionMessage t => t.Position,
        SnapshotEndMessage s => s.Position,
        HeartbeatMessage h => h.Position,
        _ => null,
    };

    /// <summary>Data commands delivered so far, flattened (transactions expanded), as text.</summary>
    public List<string> CommandTexts() => Commands().Select(c => string.Join(' ', c.Args.Select(a => System.Text.Encoding.UTF8.GetString(a)))).ToList();

    public List<CommandMessage> Commands() => Messages.SelectMany(m => m switch
    {
        CommandMessage c => [c],
        TransactionMessage t => t.Commands,
        _ => (IEnumerable<CommandMessage>)[],
    }).ToList();

    public async Task WaitForAsync(Func<IReadOnlyList<ReplicationMessage>, bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            if (condition(Messages))
            {
                return;
            }

            if (Finished)
            {
                throw new InvalidOperationException($"replication ended while waiting for {what}: {Error}");
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"timed out waiting for {what}; state {Client.State}, position {Client.Position}, {Messages.Count} messages, error {Error}");
    }

    /// <summary>Waits until a recorded message (not merely the client's decoder) has reached <paramref name="offset"/>.</summary>
    public Task WaitForOffsetAsync(long offset, int timeoutMs = 10_000) =>
        WaitForAsync(m => m.Count > 0 && m.Select(PositionOf).Any(p => p?.Offset >= offset), $"offset {offset}", timeoutMs);

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }

        await Client.DisposeAsync();
        _cts.Dispose();
    }
}
