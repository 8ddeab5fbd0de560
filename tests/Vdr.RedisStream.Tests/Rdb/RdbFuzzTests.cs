using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;
using Vdr.Testing;
using static Vdr.RedisStream.Tests.Rdb.Support.CompactBuilders;

namespace Vdr.RedisStream.Tests.Rdb;

/// <summary>A small dump written by a real redis-server: one or two keys of every type and encoding.</summary>
public sealed class SmallRealDumpFixture : IAsyncLifetime
{
    public byte[] Dump { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await using var server = await RedisServerProcess.StartAsync();
        using var c = new MiniRedisClient(server.Host, server.Port);
        c.Call("SET", "s", "v");
        c.Call("SET", "n", "12345");
        c.Call("SET", "lzf", string.Concat(Enumerable.Repeat("abc", 30)));
        c.Call("SET", "ttl", "x", "PX", "100000000");
        c.Call("RPUSH", "l", "a", "1", "b");
        c.Call(["RPUSH", "lbig", .. Enumerable.Range(0, 150).Select(i => (object)("e" + i))]);
        c.Call("SADD", "si", "1", "2", "70000");
        c.Call(["SADD", "sh", .. Enumerable.Range(0, 130).Select(i => (object)("m" + i))]);
        c.Call("ZADD", "z", "1", "a", "2.5", "b");
        c.Call(["ZADD", "zs", .. Enumerable.Range(0, 130).SelectMany(i => new object[] { i, "m" + i })]);
        c.Call("HSET", "h", "f", "v", "g", "1");
        c.Call(["HSET", "hh", .. Enumerable.Range(0, 130).SelectMany(i => new object[] { "f" + i, i })]);
        c.Call("XADD", "x", "1-1", "a", "1");
        c.Call("XADD", "x", "1-2", "a", "2", "b", "3");
        c.Call("XGROUP", "CREATE", "x", "g", "0");
        c.Call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "x", ">");
        c.Call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
        c.Call("SAVE");
        Dump = await File.ReadAllBytesAsync(server.RdbPath);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

public class RdbFuzzTests(SmallRealDumpFixture fixture) : IClassFixture<SmallRealDumpFixture>
{
    // A hang never ends; a parse of these small dumps takes milliseconds. 1 s was exceeded once by a mutant that parses
    // in milliseconds alone, while the whole suite ran in parallel on 2 loaded cores.
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(5);

    private static readonly byte[] Interesting = [0x00, 0x01, 0x3F, 0x40, 0x7F, 0x80, 0x81, 0xBF, 0xC0, 0xC3, 0xF0, 0xF4, 0xF5, 0xFE, 0xFF];

    private static byte[] BuiltFixture() => Fixtures.Keys(b =>
    {
        b.Key(9, "zm").Str(Zipmap([("f", "v", 1), ("g", "w", 0)]))
            .Key(10, "zl").Str(Ziplist(["a", 1, 300, "bbbb", -70000]))
            .Key(12, "zz").Str(Ziplist(["m", "1.5", "n", 2]))
            .Key(13, "hz").Str(Ziplist(["f", "v"]))
            .Key(11, "is").Str(Intset(4, -100000, 5, 100000))
            .Key(14, "ql").Len(2).Str(Ziplist(["q", 5])).LzfStr(Ziplist([.. Enumerable.Repeat<Element>("rr", 10)]))
            .Key(3, "z3").Len(2).Str("a").StrDouble(1.5).Str("b").StrDouble(double.NegativeInfinity)
            .Key(24, "hm").Int64(1_000).Len(2).Len(0).Str("a").Str("1").Len(5).Str("b").Str("2")
            .Key(25, "hx").Int64(1_000).Str(Listpack(["f", "v", 0, "g", "w", 1_500]))
            .Key(22, "hp").Len(1).Len(7).Str("a").Str("b")
            .Key(7, "mod").Len(Vdr.RedisStream.Rdb.Encodings.ModuleId.Encode("ReJSON-RL", 3)).Len(2).Len(1).Len(5).Str("json").Len(0);
        var node = new StreamNodeBuilder(5, 0, "a").Add(5, 0, false, ("a", "1")).Add(6, 0, true, ("a", "2")).Add(7, 1, false, ("x", "y"));
        b.Key(21, "st").Len(1).Str(node.MasterKey()).Str(node.Listpack())
            .Len(2).Len(7).Len(1).Len(5).Len(0).Len(6).Len(0).Len(3)
            .Len(1).Str("g").Len(7).Len(1).Len(1)
            .Len(1).StreamIdRaw(5, 0).Int64(9).Len(1)
            .Len(1).Str("c").Int64(1).Int64(2).Len(1).StreamIdRaw(5, 0);
    });

    [Fact]
    public async Task Read_MutatedRealDump_OnlyRdbFormatExceptionWithinTimeLimit()
    {
        await FuzzAsync(fixture.Dump, seed: 1, iterations: 2000);
    }

    [Fact]
    public async Task Read_MutatedBuiltFixture_OnlyRdbFormatExceptionWithinTimeLimit()
    {
        await FuzzAsync(BuiltFixture(), seed: 2, iterations: 3000);
    }

    [Fact]
    public async Task Read_MutatedValkeyAndOldFixtures_OnlyRdbFormatExceptionWithinTimeLimit()
    {
        var valkey = Fixtures.File(80, b => b.SelectDb(0).Key(22, "h").Len(2).Str("f").Str("v").Int64(-1).Str("g").Str("w").Int64(5), magic: "VALKEY");
        var old = Fixtures.File(4, b => b.SelectDb(0).ExpireSec(5).Key(0, "k").Str("v").Key(9, "zm").Str(Zipmap([("a", "b", 2)])).Key(1, "l").Len(2).Str("x").IntStr(2, 300));
        await FuzzAsync(valkey, seed: 3, iterations: 800);
        await FuzzAsync(old, seed: 4, iterations: 800);
    }

    private static async Task FuzzAsync(byte[] original, int seed, int iterations)
    {
        var random = new Random(seed);
        var failures = new List<string>();
        var parsed = 0;
        for (var i = 0; i < iterations && failures.Count < 5; i++)
        {
            var (mutant, description) = Mutate(original, random);
            var options = new RdbReaderOptions { VerifyChecksum = i % 2 == 0, MaxChunkElements = 1 + random.Next(64), MaxChunkBytes = 1 + random.Next(4096), MaxBlobBytes = 1 << 24 };
            var oneBytePerRead = i % 7 == 0;
            var task = Task.Run(async () =>
            {
                System.IO.Pipelines.PipeReader input = oneBytePerRead ? SegmentedPipeReader.OneBytePerRead(mutant) : new SegmentedPipeReader(mutant, [1 + random.Next(mutant.Length + 1), mutant.Length]);
                await RdbRender.ReadLinesAsync(input, options);
            });
            try
            {
                await task.WaitAsync(PerInputLimit);
                parsed++;
            }
            catch (RdbFormatException)
            {
                // The documented outcome for bad input.
            }
            catch (TimeoutException)
            {
                failures.Add($"#{i} {description}: no result within {PerInputLimit}");
            }
            catch (Xunit.Sdk.XunitException ex)
            {
                failures.Add($"#{i} {description}: record sequence broken: {ex.Message}");
            }
            catch (Exception ex)
            {
                failures.Add($"#{i} {description}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(parsed > 0 || iterations < 100, "no mutant parsed at all: mutations too aggressive to be useful");
    }

    private static (byte[] Data, string Description) Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                {
                    var flips = 1 + random.Next(4);
                    var where = new List<int>();
                    for (var f = 0; f < flips; f++)
                    {
                        var at = 9 + random.Next(data.Length - 9);
                        data[at] ^= (byte)(1 << random.Next(8));
                        where.Add(at);
                    }

                    return (data, $"bit flips at {string.Join(",", where)}");
                }

            case 1:
                {
                    var length = random.Next(data.Length);
                    return (data[..length], $"truncated to {length}");
                }

            case 2:
                {
                    var at = 9 + random.Next(data.Length - 9);
                    var value = Interesting[random.Next(Interesting.Length)];
                    return ([.. data[..at], value, .. data[at..]], $"inserted 0x{value:X2} at {at}");
                }

            case 3:
                {
                    var at = 9 + random.Next(data.Length - 9);
                    var count = 1 + random.Next(Math.Min(8, data.Length - at));
                    return ([.. data[..at], .. data[(at + count)..]], $"deleted {count} at {at}");
                }

            case 4:
                {
                    var at = 9 + random.Next(data.Length - 9);
                    var value = Interesting[random.Next(Interesting.Length)];
                    data[at] = value;
                    return (data, $"set 0x{value:X2} at {at}");
                }

            default:
                {
                    var at = 9 + random.Next(data.Length - 9);
                    var count = Math.Min(1 + random.Next(4), data.Length - at);
                    random.NextBytes(data.AsSpan(at, count));
                    return (data, $"randomized {count} bytes at {at}");
                }
        }
    }
}
