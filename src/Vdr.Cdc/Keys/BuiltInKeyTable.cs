namespace Vdr.Cdc.Keys;

/// <summary>
/// The key specs of the common Redis write commands (and the read commands that can appear in a replication
/// stream of older servers), written in Redis' key-spec model after the servers' <c>src/commands/*.json</c>.
/// Used when <c>COMMAND</c> is not permitted on the source; the live table takes precedence otherwise.
/// </summary>
public static class BuiltInKeyTable
{
    private const KeySpecFlags RwUpdate = KeySpecFlags.RW | KeySpecFlags.Update;
    private const KeySpecFlags RwInsert = KeySpecFlags.RW | KeySpecFlags.Insert;
    private const KeySpecFlags RwDelete = KeySpecFlags.RW | KeySpecFlags.Delete;
    private const KeySpecFlags RwAccessDelete = KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete;
    private const KeySpecFlags OwUpdate = KeySpecFlags.OW | KeySpecFlags.Update;
    private const KeySpecFlags RoAccess = KeySpecFlags.RO | KeySpecFlags.Access;
    private const KeySpecFlags RmDelete = KeySpecFlags.RM | KeySpecFlags.Delete;

    private static readonly Lazy<CommandKeyTable> LazyTable = new(Build);

    public static CommandKeyTable Table => LazyTable.Value;

    private static CommandKeyTable Build()
    {
        var commands = new List<CommandKeyInfo>();

        // One key, the first argument.
        foreach (var name in new[]
        {
            "SET", "SETNX", "SETEX", "PSETEX", "SETRANGE", "APPEND", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT",
            "GETSET", "GETDEL", "GETEX", "SETBIT", "BITFIELD", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LINSERT", "LSET",
            "LREM", "LTRIM", "LPOP", "RPOP", "SADD", "SREM", "SPOP", "ZADD", "ZINCRBY", "ZREM", "ZREMRANGEBYSCORE",
            "ZREMRANGEBYRANK", "ZREMRANGEBYLEX", "ZPOPMIN", "ZPOPMAX", "HSET", "HSETNX", "HMSET", "HDEL", "HINCRBY",
            "HINCRBYFLOAT", "HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT", "HPERSIST", "HSETEX", "HGETEX", "HGETDEL",
            "XADD", "XDEL", "XTRIM", "XACK", "XCLAIM", "XAUTOCLAIM", "XSETID", "XDELEX", "XACKDEL", "EXPIRE", "PEXPIRE",
            "EXPIREAT", "PEXPIREAT", "PERSIST", "PFADD", "GEOADD", "RESTORE", "RESTORE-ASKING", "MOVE", "SORT",
        })
        {
            commands.Add(Single(name, RwUpdate));
        }

        // SORT key ... STORE dest
        commands.RemoveAll(c => c.Name == "SORT");
        commands.Add(new CommandKeyInfo("SORT", [Spec(Index(1), Range(0), RoAccess), Spec(new BeginSearch.Keyword("STORE", 1), Range(0), OwUpdate)]));

        // Independent keys: every argument, or every other one.
        commands.Add(new CommandKeyInfo("DEL", [Spec(Index(1), Range(-1), RmDelete)]));
        commands.Add(new CommandKeyInfo("UNLINK", [Spec(Index(1), Range(-1), RmDelete)]));
        commands.Add(new CommandKeyInfo("TOUCH", [Spec(Index(1), Range(-1), KeySpecFlags.RO)]));
        commands.Add(new CommandKeyInfo("MSET", [Spec(Index(1), new FindKeys.Range(-1, 2, 0), OwUpdate)]));
        commands.Add(new CommandKeyInfo("MSETNX", [Spec(Index(1), new FindKeys.Range(-1, 2, 0), OwUpdate)]));

        // Interacting keys: source, destination.
        foreach (var name in new[] { "RENAME", "RENAMENX" })
        {
            commands.Add(new CommandKeyInfo(name, [Spec(Index(1), Range(0), RwAccessDelete), Spec(Index(2), Range(0), OwUpdate)]));
        }

        commands.Add(new CommandKeyInfo("COPY", [Spec(Index(1), Range(0), RoAccess), Spec(Index(2), Range(0), OwUpdate)]));
        foreach (var name in new[] { "LMOVE", "BLMOVE", "RPOPLPUSH", "BRPOPLPUSH", "SMOVE" })
        {
            commands.Add(new CommandKeyInfo(name, [Spec(Index(1), Range(0), RwAccessDelete), Spec(Index(2), Range(0), RwInsert)]));
        }

        foreach (var name in new[] { "SDIFFSTORE", "SINTERSTORE", "SUNIONSTORE" })
        {
            commands.Add(new CommandKeyInfo(name, [Spec(Index(1), Range(0), OwUpdate), Spec(Index(2), Range(-1), RoAccess)]));
        }

        foreach (var name in new[] { "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE" })
        {
            commands.Add(new CommandKeyInfo(name, [Spec(Index(1), Range(0), OwUpdate), Spec(Index(2), new FindKeys.KeyNum(0, 1, 1), RoAccess)]));
        }

        commands.Add(new CommandKeyInfo("ZRANGESTORE", [Spec(Index(1), Range(0), OwUpdate), Spec(Index(2), Range(0), RoAccess)]));
        commands.Add(new CommandKeyInfo("GEOSEARCHSTORE", [Spec(Index(1), Range(0), OwUpdate), Spec(Index(2), Range(0), RoAccess)]));
        commands.Add(new CommandKeyInfo("BITOP", [Spec(Index(2), Range(0), OwUpdate), Spec(Index(3), Range(-1), RoAccess)]));
        commands.Add(new CommandKeyInfo("PFMERGE", [Spec(Index(1), Range(0), KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Insert), Spec(Index(2), Range(-1), RoAccess)]));
        foreach (var (name, from) in new[] { ("GEORADIUS", 6), ("GEORADIUSBYMEMBER", 5) })
        {
            commands.Add(new CommandKeyInfo(name,
            [
                Spec(Index(1), Range(0), RoAccess),
                Spec(new BeginSearch.Keyword("STORE", from), Range(0), OwUpdate),
                Spec(new BeginSearch.Keyword("STOREDIST", from), Range(0), OwUpdate),
            ]));
        }

        // Keys counted by an argument (scripts from servers before 5.0 replicate verbatim; pops with numkeys).
        foreach (var name in new[] { "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO" })
        {
            commands.Add(new CommandKeyInfo(name, [Spec(Index(2), new FindKeys.KeyNum(0, 1, 1), RwUpdate)]));
        }

        foreach (var name in new[] { "LMPOP", "ZMPOP" })
        {
            commands.Add(new CommandKeyInfo(name, [Spec(Index(1), new FindKeys.KeyNum(0, 1, 1), RwAccessDelete)]));
        }

        foreach (var name in new[] { "BLMPOP", "BZMPOP" })
        {
            commands.Add(new CommandKeyInfo(name, [Spec(Index(2), new FindKeys.KeyNum(0, 1, 1), RwAccessDelete)]));
        }

        // Container commands with a key after the sub-command.
        commands.Add(Container("XGROUP", ["CREATE", "SETID", "DESTROY", "CREATECONSUMER", "DELCONSUMER"], 2));

        // Keyless commands the stream can carry.
        foreach (var name in new[] { "FLUSHDB", "FLUSHALL", "SWAPDB", "SELECT", "PING", "MULTI", "EXEC", "PUBLISH", "SPUBLISH", "SCRIPT", "FUNCTION", "REPLCONF" })
        {
            commands.Add(new CommandKeyInfo(name, []));
        }

        return new CommandKeyTable(commands, "built-in");
    }

    private static CommandKeyInfo Single(string name, KeySpecFlags flags) => new(name, [Spec(Index(1), Range(0), flags)]);

    private static CommandKeyInfo Container(string name, string[] subcommands, int keyIndex) =>
        new(name, [], subcommands.ToDictionary(s => s, s => new CommandKeyInfo(name + "|" + s, [Spec(Index(keyIndex), Range(0), RwUpdate)]), StringComparer.OrdinalIgnoreCase));

    private static KeySpec Spec(BeginSearch begin, FindKeys find, KeySpecFlags flags) => new(begin, find, flags);

    private static BeginSearch.Index Index(int position) => new(position);

    private static FindKeys.Range Range(int lastKey) => new(lastKey, 1, 0);
}
