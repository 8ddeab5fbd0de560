using System.Globalization;
using StackExchange.Redis;

namespace Vdr.Cdc.Keys;

/// <summary>
/// Reads the server's own command table (<c>COMMAND</c>, key specs on Redis 7+, first/last/step before) so that key
/// extraction covers module commands and commands newer than the built-in table. Commands the server does not
/// report keep their built-in specs.
/// </summary>
public static class CommandTableLoader
{
    /// <summary>
    /// Loads the table from a connected server; merges it over <see cref="BuiltInKeyTable"/>. Throws
    /// <see cref="RedisServerException"/> when COMMAND is not permitted (the caller falls back to the built-in table).
    /// </summary>
    public static async Task<CommandKeyTable> LoadAsync(IDatabaseAsync database, string sourceName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = await database.ExecuteAsync("COMMAND").WaitAsync(cancellationToken).ConfigureAwait(false);
        return Parse(result, sourceName);
    }

    /// <summary>Parses a <c>COMMAND</c> (or <c>COMMAND INFO</c>) reply.</summary>
    public static CommandKeyTable Parse(RedisResult reply, string sourceName)
    {
        var merged = new Dictionary<string, CommandKeyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in (RedisResult[])reply!)
        {
            if (entry.IsNull)
            {
                continue;
            }

            var info = ParseCommand((RedisResult[])entry!);
            // Where the server's spec cannot be followed generically (SORT's STORE is found by custom code, so its
            // spec is "unknown"), the built-in spec for that command is used.
            if (info.KeySpecs.Any(s => s.Begin is BeginSearch.Unknown || s.Find is FindKeys.Unknown)
                && BuiltInKeyTable.Table.Find([System.Text.Encoding.ASCII.GetBytes(info.Name)]) is { } builtIn)
            {
                info = builtIn;
            }

            merged[info.Name] = info;
        }

        var count = merged.Count;
        foreach (var builtIn in BuiltInTableEntries())
        {
            merged.TryAdd(builtIn.Name, builtIn);
        }

        return new CommandKeyTable(merged.Values, $"COMMAND of {sourceName} ({count} commands)");
    }

    private static IEnumerable<CommandKeyInfo> BuiltInTableEntries() => BuiltInKeyTable.Table.Commands;

    private static CommandKeyInfo ParseCommand(RedisResult[] entry)
    {
        var fullName = ((string?)entry[0] ?? string.Empty).ToUpperInvariant();
        var name = fullName;
        List<KeySpec> specs;
        if (entry.Length >= 9 && entry[8].Resp2Type == ResultType.Array)
        {
            specs = [.. ((RedisResult[])entry[8]!).Select(s => ParseKeySpec((RedisResult[])s!))];
        }
        else
        {
            specs = LegacySpec(entry);
        }

        Dictionary<string, CommandKeyInfo>? subcommands = null;
        if (entry.Length >= 10 && entry[9].Resp2Type == ResultType.Array)
        {
            foreach (var sub in (RedisResult[])entry[9]!)
            {
                var info = ParseCommand((RedisResult[])sub!);
                var bar = info.Name.IndexOf('|', StringComparison.Ordinal);
                subcommands ??= new Dictionary<string, CommandKeyInfo>(StringComparer.OrdinalIgnoreCase);
                subcommands[bar >= 0 ? info.Name[(bar + 1)..] : info.Name] = info;
            }
        }

        return new CommandKeyInfo(name, specs, subcommands);
    }

    /// <summary>Redis before 7.0: (first key, last key, step) with argv indices; last -1 = last argument.</summary>
    private static List<KeySpec> LegacySpec(RedisResult[] entry)
    {
        if (entry.Length < 6)
        {
            return [];
        }

        var first = (int)entry[3];
        var last = (int)entry[4];
        var step = (int)entry[5];
        if (first <= 0)
        {
            return [];
        }

        var flags = KeySpecFlags.RW;
        var lastKey = last >= 0 ? last - first : last;
        return [new KeySpec(new BeginSearch.Index(first), new FindKeys.Range(lastKey, Math.Max(step, 1), 0), flags)];
    }

    private static KeySpec ParseKeySpec(RedisResult[] map)
    {
        var flags = KeySpecFlags.None;
        BeginSearch begin = new BeginSearch.Unknown();
        FindKeys find = new FindKeys.Unknown();
        for (var i = 0; i + 1 < map.Length; i += 2)
        {
            switch ((string?)map[i])
            {
                case "flags":
                    foreach (var flag in (RedisResult[])map[i + 1]!)
                    {
                        flags |= ParseFlag((string?)flag);
                    }

                    break;
                case "begin_search":
                    begin = ParseBegin(ToMap((RedisResult[])map[i + 1]!));
                    break;
                case "find_keys":
                    find = ParseFind(ToMap((RedisResult[])map[i + 1]!));
                    break;
            }
        }

        return new KeySpec(begin, find, flags);
    }

    private static BeginSearch ParseBegin(Dictionary<string, RedisResult> map)
    {
        var spec = map.TryGetValue("spec", out var s) && s.Resp2Type == ResultType.Array ? ToMap((RedisResult[])s!) : [];
        return (string?)map.GetValueOrDefault("type") switch
        {
            "index" => new BeginSearch.Index(Int(spec, "index")),
            "keyword" => new BeginSearch.Keyword((string?)spec.GetValueOrDefault("keyword") ?? string.Empty, Int(spec, "startfrom")),
            _ => new BeginSearch.Unknown(),
        };
    }

    private static FindKeys ParseFind(Dictionary<string, RedisResult> map)
    {
        var spec = map.TryGetValue("spec", out var s) && s.Resp2Type == ResultType.Array ? ToMap((RedisResult[])s!) : [];
        return (string?)map.GetValueOrDefault("type") switch
        {
            "range" => new FindKeys.Range(Int(spec, "lastkey"), Int(spec, "keystep"), Int(spec, "limit")),
            "keynum" => new FindKeys.KeyNum(Int(spec, "keynumidx"), Int(spec, "firstkey"), Int(spec, "keystep")),
            _ => new FindKeys.Unknown(),
        };
    }

    private static KeySpecFlags ParseFlag(string? flag) => flag?.ToUpperInvariant() switch
    {
        "RO" => KeySpecFlags.RO,
        "RW" => KeySpecFlags.RW,
        "OW" => KeySpecFlags.OW,
        "RM" => KeySpecFlags.RM,
        "ACCESS" => KeySpecFlags.Access,
        "UPDATE" => KeySpecFlags.Update,
        "INSERT" => KeySpecFlags.Insert,
        "DELETE" => KeySpecFlags.Delete,
        "NOT_KEY" => KeySpecFlags.NotKey,
        "INCOMPLETE" => KeySpecFlags.Incomplete,
        "VARIABLE_FLAGS" => KeySpecFlags.VariableFlags,
        _ => KeySpecFlags.None,
    };

    private static Dictionary<string, RedisResult> ToMap(RedisResult[] flat)
    {
        var map = new Dictionary<string, RedisResult>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            map[(string?)flat[i] ?? string.Empty] = flat[i + 1];
        }

        return map;
    }

    private static int Int(Dictionary<string, RedisResult> map, string key) =>
        map.TryGetValue(key, out var value) ? int.Parse((string?)value ?? "0", CultureInfo.InvariantCulture) : 0;
}
