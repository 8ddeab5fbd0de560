using System.Globalization;
using Vdr.RedisStream.Tests.Rdb.Support;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Rdb;

/// <summary>
/// A dump.rdb written by the real redis-server (7.0 here), holding every encoding it can produce, and the values
/// the server reported for every key (rendered like <see cref="RdbRender"/> does), read before SAVE.
/// </summary>
public sealed class RealRedisDumpFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public byte[] Dump { get; private set; } = [];

    /// <summary>db → key → (type, encoding reported by OBJECT ENCODING, rendered value, pexpiretime).</summary>
    public Dictionary<(int Db, string Key), (string Type, string Encoding, string Value, long ExpireAt)> Expected { get; } = [];

    public string ServerVersion { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync(["--enable-debug-command", "yes"]);
        using var c = new MiniRedisClient(_server.Host, _server.Port);
        ServerVersion = c.Str("INFO", "server")!.Split('\n').First(l => l.StartsWith("redis_version:", StringComparison.Ordinal))[14..].Trim();
        Fill(c);
        for (var db = 0; db < 3; db++)
        {
            c.Call("SELECT", db);
            foreach (var key in c.Arr("KEYS", "*"))
            {
                var k = System.Text.Encoding.UTF8.GetString(key);
                Expected[(db, RdbRender.T(key))] = (c.Str("TYPE", key)!, c.Str("OBJECT", "ENCODING", key)!, ValueOf(c, key), (long)c.Call("PEXPIRETIME", key)!);
                _ = k;
            }
        }

        c.Call("SAVE");
        Dump = await File.ReadAllBytesAsync(_server.RdbPath);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static void Fill(MiniRedisClient c)
    {
        var inv = CultureInfo.InvariantCulture;
        c.Call("SET", "str:small", "hello");
        c.Call("SET", "str:empty", string.Empty);
        foreach (var n in new[] { "0", "-1", "127", "-128", "128", "32767", "-32768", "32768", "2147483647", "-2147483648", "2147483648", "12345678901", "007" })
        {
            c.Call("SET", "str:int:" + n, n);
        }

        c.Call("SET", "str:lzf", string.Concat(Enumerable.Repeat("compressible text ", 100)));
        c.Call("SET", "str:big", new string('z', 1_100_000));
        var binary = new byte[300];
        new Random(1).NextBytes(binary);
        c.Call("SET", new byte[] { 0, 1, 2, 0xFF, 0xFE }, binary);
        c.Call("SET", "str:ttl", "v", "PXAT", "4102444800000");

        c.Call("RPUSH", "list:small", "a", "b", "1", "-200", "70000", "x", "9999999999");
        c.Call(["RPUSH", "list:big", .. Enumerable.Range(0, 5000).Select(i => (object)(i % 3 == 0 ? i.ToString(inv) : "item-" + i))]);
        c.Call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100");
        c.Call("RPUSH", "list:plain", "short", new string('p', 500), "tail");
        c.Call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824");

        c.Call("SADD", "set:int16", "1", "2", "-3");
        c.Call("SADD", "set:int32", "1", "100000");
        c.Call("SADD", "set:int64", "1", "10000000000", "-10000000000");
        c.Call("SADD", "set:strings", "a", "b", "c");
        c.Call(["SADD", "set:bigint", .. Enumerable.Range(0, 600).Select(i => (object)i.ToString(inv))]);

        c.Call("ZADD", "zset:small", "1", "a", "2.5", "b", "-3", "c", "inf", "d", "-inf", "e", "1e300", "f");
        c.Call(["ZADD", "zset:big", .. Enumerable.Range(0, 300).SelectMany(i => new object[] { (i * 0.25).ToString(inv), "m" + i })]);
        c.Call("ZADD", "zset:longmember", "1", new string('q', 100));

        c.Call("HSET", "hash:small", "f1", "v1", "f2", "2", "f3", "-5000");
        c.Call(["HSET", "hash:big", .. Enumerable.Range(0, 200).SelectMany(i => new object[] { "f" + i, "v" + i })]);
        c.Call("HSET", "hash:longvalue", "f", new string('h', 100));

        c.Call("XADD", "stream:1", "1-1", "a", "1", "b", "2");
        c.Call("XADD", "stream:1", "1-2", "a", "3", "b", "4");
        c.Call("XADD", "stream:1", "2-1", "c", "x");
        c.Call("XADD", "stream:1", "3-1", "a", "5", "b", "6");
        c.Call("XDEL", "stream:1", "1-2");
        c.Call("XGROUP", "CREATE", "stream:1", "g1", "0");
        c.Call("XGROUP", "CREATE", "stream:1", "g2", "$");
        c.Call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "stream:1", ">");
        c.Call("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", "stream:1", ">");
        for (var i = 0; i < 250; i++)
        {
            c.Call("XADD", "stream:big", "*", "n", i.ToString(inv), "payload", "p" + (i % 7));
        }

        c.Call("XADD", "stream:empty", "5-5", "f", "v");
        c.Call("XDEL", "stream:empty", "5-5");
        c.Call("FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f1', function() return 1 end)");

        c.Call("SELECT", "1");
        c.Call("SET", "db1:key", "in db 1", "EX", "100000");
        c.Call("SELECT", "2");
        c.Call("RPUSH", "db2:list", "x");
        c.Call("SELECT", "0");
    }

    private static string ValueOf(MiniRedisClient c, byte[] key)
    {
        var type = c.Str("TYPE", key);
        switch (type)
        {
            case "string":
                return RdbRender.T((byte[])c.Call("GET", key)!);
            case "list":
                return "[" + string.Join(",", c.Arr("LRANGE", key, 0, -1).Select(RdbRender.T)) + "]";
            case "set":
                return "[" + string.Join(",", c.Arr("SMEMBERS", key).Select(RdbRender.T).Order(StringComparer.Ordinal)) + "]";
            case "zset":
                var z = c.Arr("ZRANGE", key, 0, -1, "WITHSCORES");
                return "[" + string.Join(",", z.Chunk(2).Select(p => $"{RdbRender.T(p[0])}:{RdbRender.D(ParseScore(p[1]))}").Order(StringComparer.Ordinal)) + "]";
            case "hash":
                var h = c.Arr("HGETALL", key);
                return "[" + string.Join(",", h.Chunk(2).Select(p => $"{RdbRender.T(p[0])}={RdbRender.T(p[1])}").Order(StringComparer.Ordinal)) + "]";
            case "stream":
                var entries = (List<object?>)c.Call("XRANGE", key, "-", "+")!;
                return "[" + string.Join(",", entries.Select(e =>
                {
                    var pair = (List<object?>)e!;
                    var fields = ((List<object?>)pair[1]!).Select(x => RdbRender.T((byte[])x!)).Chunk(2).Select(p => $"{p[0]}={p[1]}");
                    return $"{RdbRender.T((byte[])pair[0]!)}{{{string.Join(' ', fields)}}}";
                })) + "]";
            default:
                throw new InvalidOperationException(type);
        }
    }

    private static double ParseScore(byte[] b)
    {
        var s = System.Text.Encoding.ASCII.GetString(b);
        return s switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => double.Parse(s, CultureInfo.InvariantCulture),
        };
    }
}
