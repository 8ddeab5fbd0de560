using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace Vdr.Testing;

/// <summary>
/// A dataset that makes redis-server 7.0 write every encoding it can produce: small and large collections on both
/// sides of every <c>*-max-*</c> threshold (lowered by <see cref="ServerArgs"/> to keep the dump small), int sets,
/// int-encoded and LZF-compressed strings, strings bigger than a reader chunk, binary keys and values (invalid UTF-8),
/// expiries, several databases, streams with groups, consumers, pending and deleted entries, a function library,
/// and quicklist PLAIN nodes.
/// </summary>
public static class RdbSampleData
{
    /// <summary>The thresholds the dataset is built around.</summary>
    public const int ListpackEntries = 16;
    public const int ListpackValue = 32;
    public const int IntsetEntries = 16;
    public const int ListNodeSize = 8;

    /// <summary>A fixed absolute expiry (2100-01-01), so that expected values are exact.</summary>
    public const long ExpireAtMs = 4102444800000;

    public const string FunctionLibrary = "#!lua name=vdrlib\nredis.register_function('vdr_echo', function(keys, args) return args[1] end)";

    public static IReadOnlyList<string> ServerArgs { get; } =
    [
        "--hash-max-listpack-entries", $"{ListpackEntries}",
        "--hash-max-listpack-value", $"{ListpackValue}",
        "--zset-max-listpack-entries", $"{ListpackEntries}",
        "--zset-max-listpack-value", $"{ListpackValue}",
        "--set-max-intset-entries", $"{IntsetEntries}",
        "--list-max-listpack-size", $"{ListNodeSize}",
        "--list-compress-depth", "1",
        "--stream-node-max-entries", "10",
        "--rdbcompression", "yes",
        "--rdbchecksum", "yes",
        "--enable-debug-command", "yes",
    ];

    /// <summary>Bytes that are not valid UTF-8.</summary>
    public static byte[] BinaryKey { get; } = [0xff, 0xfe, 0x00, 0x01, (byte)'k'];

    public static byte[] BinaryValue { get; } = [0xc3, 0x28, 0x00, 0xff, 0x80];

    /// <summary>Fills the server (which must run with <see cref="ServerArgs"/>).</summary>
    public static async Task FillAsync(IConnectionMultiplexer redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var db = redis.GetDatabase(0);

        // Strings: int-encoded on both sides of the int8/int16/int32 boundaries, non-canonical numbers (stored raw),
        // short raw, LZF-compressible, incompressible, bigger than one reader chunk (1 MiB), binary, with TTL.
        long[] ints = [0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, (long)int.MinValue - 1, long.MaxValue, long.MinValue];
        foreach (var value in ints)
        {
            await db.StringSetAsync($"str:int:{value}", value.ToString(CultureInfo.InvariantCulture));
        }

        await db.StringSetAsync("str:int:leading-zero", "007");
        await db.StringSetAsync("str:int:plus", "+5");
        await db.StringSetAsync("str:empty", "");
        await db.StringSetAsync("str:short", "hello");
        await db.StringSetAsync("str:utf8", "héllo wörld €😀 \"quoted\" \\ \n");
        await db.StringSetAsync("str:lzf", string.Concat(Enumerable.Repeat("abcdefgh", 40)));
        await db.StringSetAsync("str:21", new string('z', 21));
        await db.StringSetAsync("str:random", RandomBytes(1, 300));
        await db.StringSetAsync("str:big-lzf", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 200_000).Select(i => (i % 1000).ToString("D3", CultureInfo.InvariantCulture) + "-x-"))));
        await db.StringSetAsync("str:big-random", RandomBytes(2, (1 << 20) + 12345));
        await db.StringSetAsync(BinaryKey, BinaryValue);
        await db.StringSetAsync("str:ttl", "expiring");
        await db.KeyExpireAsync("str:ttl", DateTimeOffset.FromUnixTimeMilliseconds(ExpireAtMs).UtcDateTime);
        await db.StringSetAsync("str:ttl-int", "42");
        await db.KeyExpireAsync("str:ttl-int", DateTimeOffset.FromUnixTimeMilliseconds(ExpireAtMs + 1).UtcDateTime);

        // Lists: one node, exactly one full node, several nodes (compressed inner nodes), PLAIN nodes, binary, TTL.
        await db.ListRightPushAsync("list:1", "only");
        await db.ListRightPushAsync("list:node-full", Values("n", ListNodeSize));
        await db.ListRightPushAsync("list:node-over", Values("n", ListNodeSize + 1));
        await db.ListRightPushAsync("list:many", Values("element-with-some-length-", 5000));
        await db.ListRightPushAsync("list:ints", [.. ints.Select(i => (RedisValue)i)]);
        await db.ListRightPushAsync("list:binary", [BinaryValue, Array.Empty<byte>(), (RedisValue)"x"]);
        await db.ListRightPushAsync("list:ttl", Values("t", 3));
        await db.KeyExpireAsync("list:ttl", DateTimeOffset.FromUnixTimeMilliseconds(ExpireAtMs).UtcDateTime);
        await redis.GetServer(redis.GetEndPoints()[0]).ExecuteAsync("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000");
        await db.ListRightPushAsync("list:plain", ["small-1", new string('P', 5000), "small-2", RandomBytes(3, 3000), "small-3"]);

        // Sets: intset at and over the entry threshold, with 16/32/64-bit members; hashtable; binary.
        await db.SetAddAsync("set:intset", Ints(IntsetEntries));
        await db.SetAddAsync("set:intset-over", Ints(IntsetEntries + 1));
        await db.SetAddAsync("set:intset-wide", [1, 70000, -70000, 5_000_000_000, -5_000_000_000]);
        await db.SetAddAsync("set:strings", Values("m", 10));
        await db.SetAddAsync("set:big", Values("member-", 1000));
        await db.SetAddAsync("set:binary", [BinaryValue, (RedisValue)"plain"]);

        // Sorted sets: listpack at the entry and value thresholds, skiplist over them; special scores; ties.
        await db.SortedSetAddAsync("zset:lp", Scored("z", ListpackEntries));
        await db.SortedSetAddAsync("zset:lp-over", Scored("z", ListpackEntries + 1));
        await db.SortedSetAddAsync("zset:lp-value", [new("v" + new string('a', ListpackValue - 1), 1), new("w", 2)]);
        await db.SortedSetAddAsync("zset:lp-value-over", [new("v" + new string('a', ListpackValue), 1), new("w", 2)]);
        SortedSetEntry[] special = [new("inf", double.PositiveInfinity), new("-inf", double.NegativeInfinity), new("zero", 0), new("frac", 0.1), new("neg", -2.5), new("big", 1e300), new("tiny", 5e-324), new("tie-b", 7), new("tie-a", 7), new("tie-ab", 7)];
        await db.SortedSetAddAsync("zset:special-lp", special);
        await db.SortedSetAddAsync("zset:special-skiplist", [.. special, .. Scored("pad", ListpackEntries)]);
        await db.SortedSetAddAsync("zset:big", Scored("member-", 1000));
        await db.SortedSetAddAsync("zset:binary", [new(BinaryValue, 1.5), new("text", 2)]);

        // Hashes: listpack at the thresholds, hashtable over them, binary, TTL.
        await db.HashSetAsync("hash:lp", Fields(ListpackEntries));
        await db.HashSetAsync("hash:lp-over", Fields(ListpackEntries + 1));
        await db.HashSetAsync("hash:lp-value", [new("f", new string('a', ListpackValue))]);
        await db.HashSetAsync("hash:lp-value-over", [new("f", new string('a', ListpackValue + 1))]);
        await db.HashSetAsync("hash:big", Fields(1000));
        await db.HashSetAsync("hash:ints", [new("1", 1), new("-300", 70000), new("big", long.MaxValue)]);
        await db.HashSetAsync("hash:binary", [new(BinaryValue, BinaryValue), new("k", BinaryValue)]);
        await db.HashSetAsync("hash:ttl", [new("a", "b")]);
        await db.KeyExpireAsync("hash:ttl", DateTimeOffset.FromUnixTimeMilliseconds(ExpireAtMs).UtcDateTime);

        await FillStreamsAsync(redis, db);

        // Other databases.
        await redis.GetDatabase(1).StringSetAsync("db1:key", "in db 1");
        await redis.GetDatabase(1).ListRightPushAsync("db1:list", ["a", "b"]);
        await redis.GetDatabase(15).StringSetAsync("db15:key", "in db 15");
        await redis.GetDatabase(15).StringSetAsync("db15:ttl", "t");
        await redis.GetDatabase(15).KeyExpireAsync("db15:ttl", DateTimeOffset.FromUnixTimeMilliseconds(ExpireAtMs).UtcDateTime);

        await redis.GetServer(redis.GetEndPoints()[0]).ExecuteAsync("FUNCTION", "LOAD", FunctionLibrary);
    }

    private static async Task FillStreamsAsync(IConnectionMultiplexer redis, IDatabase db)
    {
        // Same fields on every entry (the listpack "same fields" flag), several nodes, deleted entries,
        // groups with consumers and pending entries, an empty stream with a group, a group with no consumer.
        for (var i = 1; i <= 35; i++)
        {
            await db.StreamAddAsync("stream:main", [new("name", $"n{i}"), new("n", i)], $"{1000 + i}-{i % 3}");
        }

        await db.StreamAddAsync("stream:main", [new("other", "fields"), new("bin", BinaryValue), new("third", "x")], "2000-0");
        await db.StreamDeleteAsync("stream:main", ["1005-2", "1006-0", "1020-2"]);
        await db.StreamCreateConsumerGroupAsync("stream:main", "g1", "0-0");
        await db.StreamCreateConsumerGroupAsync("stream:main", "g2", "1010-1");
        await db.StreamCreateConsumerGroupAsync("stream:main", "g-empty", "$");
        await db.StreamReadGroupAsync("stream:main", "g1", "alice", ">", 3);
        await db.StreamReadGroupAsync("stream:main", "g1", "bob", ">", 2);
        await db.StreamAcknowledgeAsync("stream:main", "g1", "1001-1");
        await db.StreamReadGroupAsync("stream:main", "g2", "carol", ">", 4);
        await db.ExecuteAsync("XGROUP", "CREATECONSUMER", "stream:main", "g2", "idle-dave");

        await db.StreamAddAsync("stream:emptied", [new("a", "1")], "5-5");
        await db.StreamDeleteAsync("stream:emptied", ["5-5"]);
        await db.StreamCreateConsumerGroupAsync("stream:emptied", "g", "0-0");
        await db.ExecuteAsync("XGROUP", "CREATE", "stream:mkstream", "g", "$", "MKSTREAM");

        await db.StreamAddAsync("stream:ttl", [new("f", "v")], "1-1");
        await db.KeyExpireAsync("stream:ttl", DateTimeOffset.FromUnixTimeMilliseconds(ExpireAtMs).UtcDateTime);
    }

    private static RedisValue[] Values(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (RedisValue)(prefix + i.ToString(CultureInfo.InvariantCulture)))];

    private static RedisValue[] Ints(int count) => [.. Enumerable.Range(0, count).Select(i => (RedisValue)(i * 3 - 10))];

    private static SortedSetEntry[] Scored(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new SortedSetEntry(prefix + i.ToString(CultureInfo.InvariantCulture), (i * 7 % count) + 0.5))];

    private static HashEntry[] Fields(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new HashEntry("field" + i.ToString(CultureInfo.InvariantCulture), "value" + i.ToString(CultureInfo.InvariantCulture)))];

    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
