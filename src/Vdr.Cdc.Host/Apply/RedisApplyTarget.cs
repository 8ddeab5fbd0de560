using System.Globalization;
using Vdr.Cdc.Events.Consuming;
using Vdr.Cdc.Events.Materialize;

namespace Vdr.Cdc.Host.Apply;

/// <summary>
/// A Redis server as a materialize target. Each batch is one MULTI/EXEC: the changes' commands (with SELECT as the
/// database changes), then the checkpoint rewritten whole in the hash <see cref="StateKey"/> of database
/// <see cref="StateDb"/> (fields <c>position</c>, <c>events</c>, <c>duplicates</c>, <c>offset:&lt;topic&gt;:&lt;partition&gt;</c>,
/// <c>updated_ms</c>). Rewriting it whole after the batch's commands keeps it right when a replayed FLUSHALL/FLUSHDB
/// removed it; after a replayed SWAPDB its moved copy is deleted. A source that writes the same key name in that
/// database would clash: choose another key or database. Compare digests of source and target after removing it.
/// </summary>
internal sealed class RedisApplyTarget : IMaterializeTarget, IAsyncDisposable
{
    private const string ErrorField = "error";
    private readonly RespConnection _connection;
    private readonly List<TargetCommand> _commands = [];
    private readonly List<int> _owners = [];
    private int _db = -1;

    private RedisApplyTarget(RespConnection connection, string stateKey, int stateDb, bool hashFieldExpiry)
    {
        _connection = connection;
        StateKey = stateKey;
        StateDb = stateDb;
        HashFieldExpiry = hashFieldExpiry;
    }

    public string StateKey { get; }

    public int StateDb { get; }

    /// <summary>The target knows HPEXPIREAT (Redis 7.4+).</summary>
    public bool HashFieldExpiry { get; }

    public string EndPoint => _connection.EndPoint;

    public static async Task<RedisApplyTarget> ConnectAsync(RespConnection connection, string stateKey, int stateDb, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.Append("COMMAND", "INFO", "HPEXPIREAT");
        var reply = (await connection.FlushAndReadAsync(cancellationToken).ConfigureAwait(false))[0];
        var hashFieldExpiry = reply is { Type: '*', Items: [{ IsNull: false, Type: '*' }] };
        return new RedisApplyTarget(connection, stateKey, stateDb, hashFieldExpiry);
    }

    public async ValueTask<MaterializeCheckpoint?> LoadCheckpointAsync(CancellationToken cancellationToken)
    {
        _connection.Append("SELECT", Number(StateDb));
        _connection.Append("HGETALL", StateKey);
        var replies = await _connection.FlushAndReadAsync(cancellationToken).ConfigureAwait(false);
        _db = StateDb;
        ThrowIfError(replies[0], "SELECT");
        ThrowIfError(replies[1], "HGETALL");
        var items = replies[1].Items ?? [];
        if (items.Count == 0)
        {
            return null;
        }

        var checkpoint = new MaterializeCheckpoint();
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            var field = items[i].Text;
            var value = items[i + 1].Text;
            switch (field)
            {
                case ErrorField:
                    throw new InvalidOperationException(
                        $"an earlier apply stopped because the target refused a change, so it is not an exact copy: {value}. "
                        + $"Rebuild the target (empty it, including the hash {StateKey} in db {StateDb}), or remove the field '{ErrorField}' from that hash to continue anyway.");
                case "position":
                    checkpoint.Applied = EventPosition.Parse(value);
                    break;
                case "events":
                    checkpoint.EventsApplied = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "duplicates":
                    checkpoint.DuplicatesSkipped = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                default:
                    if (field.StartsWith("offset:", StringComparison.Ordinal) && field.LastIndexOf(':') is var colon && colon > 7
                        && int.TryParse(field.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
                    {
                        checkpoint.NextOffsets[new PartitionId(field[7..colon], partition)] = long.Parse(value, CultureInfo.InvariantCulture);
                    }

                    break;
            }
        }

        return checkpoint;
    }

    public async ValueTask<MaterializeResult> ApplyAsync(IReadOnlyList<DecodedRecord> changes, MaterializeCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(checkpoint);
        _commands.Clear();
        _owners.Clear();
        var refused = new List<RefusedChange>();
        var swappedDbs = new HashSet<int>();
        for (var i = 0; i < changes.Count; i++)
        {
            var before = _commands.Count;
            if (!ChangeCommands.TryBuild(changes[i].Event!, HashFieldExpiry, _commands, out var reason))
            {
                _commands.RemoveRange(before, _commands.Count - before);
                refused.Add(new RefusedChange(i, RecordProblem.Unsupported, reason));
                continue;
            }

            for (var c = before; c < _commands.Count; c++)
            {
                _owners.Add(i);
                if (_commands[c].Name.Equals("SWAPDB", StringComparison.OrdinalIgnoreCase) && _commands[c].Args.Count == 2)
                {
                    foreach (var arg in _commands[c].Args)
                    {
                        if (int.TryParse(arg.Span, NumberStyles.None, CultureInfo.InvariantCulture, out var swapped))
                        {
                            swappedDbs.Add(swapped);
                        }
                    }
                }
            }
        }

        if (refused.Count > 0)
        {
            return new MaterializeResult(false, refused);
        }

        // MULTI, the changes (SELECT when the database changes), the checkpoint, EXEC: replies are +OK, +QUEUED or a
        // queueing error per command, then EXEC's array (or EXECABORT when something could not be queued).
        _connection.Append("MULTI");
        var db = _db;
        var slots = new List<int>(_commands.Count + 8);
        var names = new Dictionary<int, string>();
        for (var c = 0; c < _commands.Count; c++)
        {
            var command = _commands[c];
            if (command.Db != db)
            {
                _connection.Append("SELECT", Number(command.Db));
                slots.Add(-1);
                db = command.Db;
            }

            _connection.Append(command.Name, command.Args);
            slots.Add(_owners[c]);
            names.Add(slots.Count - 1, Describe(command));
        }

        AppendCheckpoint(checkpoint, swappedDbs, ref db, slots);
        _connection.Append("EXEC");
        var replies = await _connection.FlushAndReadAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfError(replies[0], "MULTI");
        var exec = replies[^1];
        if (exec.IsError || exec.IsNull)
        {
            // Nothing ran: find the commands that could not be queued.
            for (var s = 0; s < slots.Count; s++)
            {
                if (replies[s + 1].IsError)
                {
                    if (slots[s] < 0)
                    {
                        throw new InvalidOperationException($"the target refused the apply bookkeeping: {replies[s + 1].Text}");
                    }

                    refused.Add(new RefusedChange(slots[s], RecordProblem.Rejected, $"{names[s]}: {replies[s + 1].Text}"));
                }
            }

            if (refused.Count == 0)
            {
                throw new InvalidOperationException($"the target aborted the transaction: {exec}");
            }

            return new MaterializeResult(false, Distinct(refused));
        }

        _db = db;
        var results = exec.Items!;
        for (var s = 0; s < slots.Count && s < results.Count; s++)
        {
            if (results[s].IsError)
            {
                if (slots[s] < 0)
                {
                    throw new InvalidOperationException($"the target refused the apply bookkeeping: {results[s].Text}");
                }

                refused.Add(new RefusedChange(slots[s], RecordProblem.Rejected, $"{names[s]}: {results[s].Text}"));
            }
        }

        return refused.Count == 0 ? MaterializeResult.Success : new MaterializeResult(true, Distinct(refused));
    }

    public async ValueTask RecordFailureAsync(string description, CancellationToken cancellationToken)
    {
        _connection.Append("SELECT", Number(StateDb));
        _connection.Append("HSET", StateKey, ErrorField, description);
        var replies = await _connection.FlushAndReadAsync(cancellationToken).ConfigureAwait(false);
        _db = StateDb;
        ThrowIfError(replies[1], "HSET");
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void AppendCheckpoint(MaterializeCheckpoint checkpoint, HashSet<int> swappedDbs, ref int db, List<int> slots)
    {
        foreach (var swapped in swappedDbs.Where(d => d != StateDb))
        {
            // A replayed SWAPDB moved the state hash: drop the moved copy.
            _connection.Append("SELECT", Number(swapped));
            _connection.Append("DEL", StateKey);
            slots.Add(-1);
            slots.Add(-2);
            db = swapped;
        }

        if (db != StateDb)
        {
            _connection.Append("SELECT", Number(StateDb));
            slots.Add(-1);
            db = StateDb;
        }

        var fields = new List<string>
        {
            StateKey,
            "events", Number(checkpoint.EventsApplied),
            "duplicates", Number(checkpoint.DuplicatesSkipped),
            "updated_ms", Number(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
        };
        if (checkpoint.Applied is { } applied)
        {
            fields.Add("position");
            fields.Add(applied.ToString());
        }

        foreach (var (partition, offset) in checkpoint.NextOffsets.OrderBy(p => p.Key.Topic, StringComparer.Ordinal).ThenBy(p => p.Key.Partition))
        {
            fields.Add(string.Create(CultureInfo.InvariantCulture, $"offset:{partition.Topic}:{partition.Partition}"));
            fields.Add(Number(offset));
        }

        _connection.Append("DEL", StateKey);
        _connection.Append(["HSET", .. fields]);
        slots.Add(-2);
        slots.Add(-2);
    }

    /// <summary>The command's name and its first arguments, shortened (for error messages).</summary>
    private static string Describe(TargetCommand command)
    {
        var text = new System.Text.StringBuilder(command.Name);
        foreach (var arg in command.Args.Take(4))
        {
            var shown = System.Text.Encoding.UTF8.GetString(arg.Span[..Math.Min(arg.Length, 40)]);
            text.Append(' ').Append(shown).Append(arg.Length > 40 ? "..." : string.Empty);
        }

        return text.Append(command.Args.Count > 4 ? " ..." : string.Empty).ToString();
    }

    private static List<RefusedChange> Distinct(List<RefusedChange> refused) => [.. refused.GroupBy(r => r.Index).Select(g => g.First())];

    private static void ThrowIfError(RespReply reply, string command)
    {
        if (reply.IsError)
        {
            throw new InvalidOperationException($"the target refused {command}: {reply.Text}");
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
