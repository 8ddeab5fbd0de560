using System.Buffers.Text;
using System.Collections.Frozen;
using System.Text;

namespace Vdr.Cdc.Keys;

/// <summary>
/// A command table (upper-case name → key specs) and key extraction following Redis' own algorithm
/// (<c>getKeysUsingKeySpecs</c> in db.c): for every spec, find the start, then the keys; duplicates across
/// specs keep their first occurrence. Built from the server's <c>COMMAND INFO</c> (<see cref="CommandTableLoader"/>)
/// or from <see cref="BuiltInKeyTable"/>.
/// </summary>
public sealed class CommandKeyTable
{
    private readonly FrozenDictionary<string, CommandKeyInfo> _commands;

    public CommandKeyTable(IEnumerable<CommandKeyInfo> commands, string source)
    {
        _commands = commands.ToFrozenDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        Source = source;
    }

    /// <summary>Where the table came from ("built-in", or "COMMAND INFO of host:port").</summary>
    public string Source { get; }

    public int Count => _commands.Count;

    /// <summary>Every command of the table.</summary>
    public IEnumerable<CommandKeyInfo> Commands => _commands.Values;

    /// <summary>Finds the command (and, for a container command, its sub-command) of <paramref name="args"/>.</summary>
    public CommandKeyInfo? Find(IReadOnlyList<byte[]> args)
    {
        if (args.Count == 0 || !_commands.TryGetValue(Encoding.ASCII.GetString(args[0]), out var info))
        {
            return null;
        }

        if (info.Subcommands is { Count: > 0 } subs && args.Count > 1
            && subs.TryGetValue(Encoding.ASCII.GetString(args[1]).ToUpperInvariant(), out var sub))
        {
            return sub;
        }

        return info;
    }

    /// <summary>
    /// The keys of a command, in spec order. Returns false when the command is unknown to the table (the caller
    /// then applies its fallback); true with an empty list when the command has no keys.
    /// </summary>
    public bool TryGetKeys(IReadOnlyList<byte[]> args, List<KeyReference> keys)
    {
        keys.Clear();
        var info = Find(args);
        if (info is null)
        {
            return false;
        }

        foreach (var spec in info.KeySpecs)
        {
            AddKeys(spec, args, keys);
        }

        return true;
    }

    internal static void AddKeys(KeySpec spec, IReadOnlyList<byte[]> args, List<KeyReference> keys)
    {
        if ((spec.Flags & KeySpecFlags.NotKey) != 0)
        {
            return;
        }

        var argc = args.Count;
        int first;
        switch (spec.Begin)
        {
            case BeginSearch.Index index:
                first = index.Position;
                break;
            case BeginSearch.Keyword keyword:
                first = FindKeyword(keyword, args);
                if (first < 0)
                {
                    return;
                }

                break;
            default:
                return;
        }

        if (first <= 0 || first >= argc)
        {
            return;
        }

        int last;
        int step;
        switch (spec.Find)
        {
            case FindKeys.Range range:
                step = Math.Max(range.Step, 1);
                if (range.LastKey >= 0)
                {
                    last = first + range.LastKey;
                }
                else if (range.Limit <= 1)
                {
                    last = argc + range.LastKey;
                }
                else
                {
                    last = first + (((argc - first) / range.Limit) + range.LastKey);
                }

                break;
            case FindKeys.KeyNum keyNum:
                var countIndex = first + keyNum.KeyNumIndex;
                if (countIndex >= argc || !Utf8Parser.TryParse(args[countIndex], out long count, out var consumed)
                    || consumed != args[countIndex].Length || count < 0)
                {
                    return;
                }

                step = Math.Max(keyNum.Step, 1);
                first += keyNum.FirstKey;
                last = (int)Math.Min(int.MaxValue, first + ((count - 1) * step));
                break;
            default:
                return;
        }

        for (var i = first; i <= last && i < argc; i += step)
        {
            if (!Contains(keys, i))
            {
                keys.Add(new KeyReference(i, spec.Flags));
            }
        }
    }

    private static int FindKeyword(BeginSearch.Keyword keyword, IReadOnlyList<byte[]> args)
    {
        var argc = args.Count;
        var word = Encoding.ASCII.GetBytes(keyword.Word);
        if (keyword.StartFrom >= 0)
        {
            for (var i = keyword.StartFrom; i < argc - 1; i++)
            {
                if (Ascii.EqualsIgnoreCase(args[i], word))
                {
                    return i + 1;
                }
            }
        }
        else
        {
            for (var i = argc + keyword.StartFrom; i >= 2; i--)
            {
                if (i < argc - 1 && Ascii.EqualsIgnoreCase(args[i], word))
                {
                    return i + 1;
                }
            }
        }

        return -1;
    }

    private static bool Contains(List<KeyReference> keys, int argIndex)
    {
        foreach (var key in keys)
        {
            if (key.ArgIndex == argIndex)
            {
                return true;
            }
        }

        return false;
    }
}
