using System.Text;
using Vdr.Cdc.Keys;
using Vdr.Cdc.Routing;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Pipeline;

/// <summary>
/// <see cref="SourceFilterOptions"/> applied to the source: streamed commands through the replication client's
/// <see cref="CommandFilter"/> (a dropped command still moves the position), snapshot keys by
/// <see cref="SkipsSnapshotRecord"/>. Keys of a command come from the same <see cref="CommandKeyTable"/> as the
/// events' keys.
/// </summary>
public sealed class SourceFilter
{
    private readonly byte[][] _includeKeys;
    private readonly byte[][] _excludeKeys;
    private readonly HashSet<string> _includeCommands;
    private readonly HashSet<string> _excludeCommands;
    private readonly CommandKeyTable _keyTable;
    private readonly List<KeyReference> _keys = [];
    private bool _skippingKey;

    public SourceFilter(SourceFilterOptions options, CommandKeyTable keyTable)
    {
        ArgumentNullException.ThrowIfNull(options);
        _includeKeys = [.. options.IncludeKeys.Select(Encoding.UTF8.GetBytes)];
        _excludeKeys = [.. options.ExcludeKeys.Select(Encoding.UTF8.GetBytes)];
        _includeCommands = new HashSet<string>(options.IncludeCommands, StringComparer.OrdinalIgnoreCase);
        _excludeCommands = new HashSet<string>(options.ExcludeCommands, StringComparer.OrdinalIgnoreCase);
        _keyTable = keyTable;
    }

    /// <summary>True when a key is captured: it matches an include glob (or there is none) and no exclude glob.</summary>
    public bool IsKeyIncluded(ReadOnlySpan<byte> key)
    {
        foreach (var pattern in _excludeKeys)
        {
            if (RedisGlob.IsMatch(pattern, key))
            {
                return false;
            }
        }

        if (_includeKeys.Length == 0)
        {
            return true;
        }

        foreach (var pattern in _includeKeys)
        {
            if (RedisGlob.IsMatch(pattern, key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when a command is captured: its name passes the command lists and, when it has keys, one of them is
    /// included. Commands without keys, and commands the key table does not know, pass on their name alone.
    /// </summary>
    public bool IsCommandIncluded(IReadOnlyList<byte[]> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return true;
        }

        if (_includeCommands.Count > 0 || _excludeCommands.Count > 0)
        {
            var name = Encoding.UTF8.GetString(args[0]);
            if (_excludeCommands.Contains(name) || (_includeCommands.Count > 0 && !_includeCommands.Contains(name)))
            {
                return false;
            }
        }

        if (_includeKeys.Length == 0 && _excludeKeys.Length == 0)
        {
            return true;
        }

        lock (_keys)
        {
            if (!_keyTable.TryGetKeys(args, _keys) || _keys.Count == 0)
            {
                return true;
            }

            foreach (var key in _keys)
            {
                if (IsKeyIncluded(args[key.ArgIndex]))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The replication client's filter for streamed commands.</summary>
    public CommandFilter ToCommandFilter() => CommandFilter.Where(c => IsCommandIncluded(c.Args));

    /// <summary>
    /// True when a snapshot record belongs to a key that is not captured (from its <see cref="RdbKeyStart"/> to its
    /// <see cref="RdbKeyEnd"/>). Called for every snapshot record, in order.
    /// </summary>
    public bool SkipsSnapshotRecord(RdbRecord record)
    {
        switch (record)
        {
            case RdbKeyStart start:
                _skippingKey = !IsKeyIncluded(start.Key);
                return _skippingKey;
            case RdbKeyEnd:
                var skipped = _skippingKey;
                _skippingKey = false;
                return skipped;
            default:
                return _skippingKey;
        }
    }
}
