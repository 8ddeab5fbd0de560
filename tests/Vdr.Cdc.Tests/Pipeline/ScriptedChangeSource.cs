using System.Runtime.CompilerServices;
using System.Text;
using Vdr.Cdc.Pipeline;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Tests.Pipeline;

/// <summary>
/// Test double of the replication input only (Kafka stays real): a primary's history of commands with exact
/// offsets, plus a snapshot of string keys. StartAsync(null) delivers FULLRESYNC + snapshot + every command;
/// StartAsync(position) delivers CONTINUE + the commands after it. Acknowledged positions are recorded.
/// </summary>
internal sealed class ScriptedChangeSource : IChangeSource
{
    private readonly ScriptedPrimary _primary;
    private readonly int _stopAfterCommands;

    private readonly int _stopAfterSnapshotKeys;

    public ScriptedChangeSource(ScriptedPrimary primary, int stopAfterCommands = int.MaxValue, int stopAfterSnapshotKeys = int.MaxValue)
    {
        _primary = primary;
        _stopAfterCommands = stopAfterCommands;
        _stopAfterSnapshotKeys = stopAfterSnapshotKeys;
    }

    /// <summary>Messages delivered after the history (fed by the test while the pipeline runs).</summary>
    public System.Threading.Channels.Channel<SourceMessage> Live { get; } = System.Threading.Channels.Channel.CreateUnbounded<SourceMessage>();

    public string Server => "scripted:6379";

    public List<SourcePosition> Acks { get; } = [];

    public SourcePosition? StartedFrom { get; private set; }

    public bool Started { get; private set; }

    public async IAsyncEnumerable<SourceMessage> StartAsync(SourcePosition? from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Started = true;
        StartedFrom = from;
        await Task.Yield();
        var delivered = 0;
        if (from is null)
        {
            yield return new SourceMessage.FullResync(_primary.ReplicationId, _primary.SnapshotOffset);
            var keys = 0;
            foreach (var (key, value) in _primary.Snapshot)
            {
                if (keys++ >= _stopAfterSnapshotKeys)
                {
                    yield break;
                }

                var k = Encoding.UTF8.GetBytes(key);
                yield return new SourceMessage.Snapshot(new RdbKeyStart(0, k, RdbValueType.String, RdbEncoding.String, null, null, null));
                yield return new SourceMessage.Snapshot(new RdbStringChunk(0, true, 0, Encoding.UTF8.GetBytes(value)));
                yield return new SourceMessage.Snapshot(new RdbKeyEnd(0, k, 1));
            }

            yield return new SourceMessage.SnapshotEnd(new SourcePosition(_primary.ReplicationId, _primary.SnapshotOffset, 0));
        }
        else
        {
            yield return new SourceMessage.Continue(from.Value);
        }

        foreach (var message in _primary.Commands)
        {
            var start = message switch
            {
                SourceMessage.Command c => c.StartOffset,
                SourceMessage.Transaction t => t.StartOffset,
                _ => 0,
            };
            if (from is { } f && start < f.Offset)
            {
                continue;
            }

            if (delivered++ >= _stopAfterCommands)
            {
                yield break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return message;
        }

        if (_primary.WaitAtEnd)
        {
            await foreach (var message in Live.Reader.ReadAllAsync(cancellationToken))
            {
                yield return message;
            }
        }
    }

    public void Acknowledge(SourcePosition committed)
    {
        lock (Acks)
        {
            Acks.Add(committed);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The scripted primary's history: snapshot keys and commands with byte-exact offsets.</summary>
internal sealed class ScriptedPrimary
{
    private long _offset;

    public ScriptedPrimary(string replicationId = "8f1d2e3c4b5a69788796a5b4c3d2e1f001234567", long snapshotOffset = 1000)
    {
        ReplicationId = replicationId;
        SnapshotOffset = snapshotOffset;
        _offset = snapshotOffset;
    }

    public string ReplicationId { get; }

    public long SnapshotOffset { get; }

    public List<(string Key, string Value)> Snapshot { get; } = [];

    public List<SourceMessage> Commands { get; } = [];

    /// <summary>Keep the stream open after the last command (until cancelled), like a quiet primary.</summary>
    public bool WaitAtEnd { get; set; }

    public long Offset => _offset;

    public SourceMessage.Command Add(params string[] args)
    {
        var command = Build(args);
        Commands.Add(command);
        return command;
    }

    public SourceMessage.Transaction AddTransaction(params string[][] commands)
    {
        var start = _offset;
        _offset += 15; // *1\r\n$5\r\nMULTI\r\n
        var list = commands.Select(Build).ToList();
        _offset += 14; // *1\r\n$4\r\nEXEC\r\n
        var transaction = new SourceMessage.Transaction(0, list, start, new SourcePosition(ReplicationId, _offset, 0));
        Commands.Add(transaction);
        return transaction;
    }

    private SourceMessage.Command Build(string[] args)
    {
        var bytes = args.Select(Encoding.UTF8.GetBytes).ToArray();
        var start = _offset;
        _offset += RespLength(bytes);
        return new SourceMessage.Command(0, bytes, start, new SourcePosition(ReplicationId, _offset, 0));
    }

    private static long RespLength(byte[][] args)
    {
        long length = 1 + args.Length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 2;
        foreach (var a in args)
        {
            length += 1 + a.Length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 2 + a.Length + 2;
        }

        return length;
    }
}
