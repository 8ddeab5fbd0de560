namespace Vdr.RedisStream.Replication;

/// <summary>
/// A composable predicate / transform applied to every replicated command before it reaches the consumer.
/// A command the filter drops still moves the position (the consumer gets a <see cref="HeartbeatMessage"/>), so
/// confirming and resuming stay exact. Inside MULTI…EXEC the filter applies to each command; a transaction left
/// empty becomes a heartbeat too.
/// </summary>
public sealed class CommandFilter
{
    private readonly Func<CommandMessage, CommandMessage?> _apply;

    private CommandFilter(Func<CommandMessage, CommandMessage?> apply) => _apply = apply;

    /// <summary>Lets everything through.</summary>
    public static CommandFilter All { get; } = new(c => c);

    /// <summary>Keeps the commands for which <paramref name="predicate"/> is true.</summary>
    public static CommandFilter Where(Func<CommandMessage, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(c => predicate(c) ? c : null);
    }

    /// <summary>Replaces each command by what <paramref name="transform"/> returns (null drops it).</summary>
    public static CommandFilter Select(Func<CommandMessage, CommandMessage?> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return new(transform);
    }

    /// <summary>Keeps commands whose name (case-insensitive) is not in <paramref name="names"/>.</summary>
    public static CommandFilter ExcludeCommands(params string[] names)
    {
        var set = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        return Where(c => c.Args.Count == 0 || !set.Contains(System.Text.Encoding.UTF8.GetString(c.Args[0])));
    }

    /// <summary>This filter, then <paramref name="next"/> on what it let through.</summary>
    public CommandFilter Then(CommandFilter next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var first = _apply;
        return new(c => first(c) is { } kept ? next._apply(kept) : null);
    }

    /// <summary>The command to deliver, or null to drop it.</summary>
    public CommandMessage? Apply(CommandMessage command) => _apply(command);

    /// <summary>
    /// Applies the filter to a command or a transaction; returns the message to deliver, or null when everything
    /// was dropped. Other messages pass unchanged.
    /// </summary>
    public ReplicationMessage? Apply(ReplicationMessage message) => message switch
    {
        CommandMessage command => _apply(command),
        TransactionMessage transaction => FilterTransaction(transaction),
        _ => message,
    };

    private TransactionMessage? FilterTransaction(TransactionMessage transaction)
    {
        var kept = new List<CommandMessage>(transaction.Commands.Count);
        foreach (var command in transaction.Commands)
        {
            if (_apply(command) is { } result)
            {
                kept.Add(result);
            }
        }

        return kept.Count == 0 ? null
            : kept.Count == transaction.Commands.Count && kept.SequenceEqual(transaction.Commands) ? transaction
            : transaction with { Commands = kept };
    }
}
