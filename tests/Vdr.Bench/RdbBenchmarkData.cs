using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using Vdr.Testing;

namespace Vdr.Bench;

/// <summary>
/// Generates the RDB files of the <c>rdb</c> benchmark once, with a real redis-server filled by Lua scripts
/// (server-side loops: fast), into a cache folder. A file is reused when it exists.
/// </summary>
internal static class RdbBenchmarkData
{
    // Random bytes (incompressible; also invalid UTF-8 here and there) that values are cut from.
    private const int PoolBytes = 1 << 16;

    private const string StringsScript = """
        local first, count, pool = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
        math.randomseed(first)
        for i = first, first + count - 1 do
          local len = math.random(16, 2880)
          local v
          if i % 2 == 0 then
            local off = math.random(1, #pool - len)
            v = string.sub(pool, off, off + len - 1)
          else
            v = string.sub(string.rep('value-' .. i .. '-', math.ceil(len / 8)), 1, len)
          end
          local key = 'str:' .. i
          redis.call('SET', key, v)
          if i % 10 == 0 then redis.call('PEXPIREAT', key, 4102444800000) end
        end
        return count
        """;

    private const string SmallCollectionsScript = """
        local first, count, pool = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
        math.randomseed(first)
        local function piece(len) local off = math.random(1, #pool - len) return string.sub(pool, off, off + len - 1) end
        for i = first, first + count - 1 do
          local kind = i % 30
          if kind < 10 then
            local args = {}
            for f = 1, 10 do args[#args + 1] = 'field' .. f; args[#args + 1] = piece(16) end
            redis.call('HSET', 'hash:' .. i, unpack(args))
          elseif kind < 17 then
            local args = {}
            for e = 1, 20 do args[#args + 1] = 'item-' .. e .. '-' .. i end
            redis.call('RPUSH', 'list:' .. i, unpack(args))
          elseif kind < 22 then
            local args = {}
            for e = 1, 20 do args[#args + 1] = tostring(math.random(0, 100000)) end
            redis.call('SADD', 'intset:' .. i, unpack(args))
          elseif kind < 27 then
            local args = {}
            for e = 1, 10 do args[#args + 1] = tostring(math.random()); args[#args + 1] = 'm' .. e .. ':' .. i end
            redis.call('ZADD', 'zset:' .. i, unpack(args))
          else
            for e = 1, 5 do redis.call('XADD', 'stream:' .. i, '*', 'a', piece(10), 'b', e) end
          end
        end
        return count
        """;

    private const string BigKeyScript = """
        local kind, key, first, count, size, pool = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
        math.randomseed(first + #key)
        local function piece(len) local off = math.random(1, #pool - len) return string.sub(pool, off, off + len - 1) end
        local i = first
        local last = first + count - 1
        while i <= last do
          local n = math.min(1000, last - i + 1)
          local args = {}
          if kind == 'list' then
            for e = 1, n do args[e] = piece(size) end
            redis.call('RPUSH', key, unpack(args))
          elseif kind == 'set' then
            for e = 0, n - 1 do args[e + 1] = 'member:' .. (i + e) .. ':' .. piece(size) end
            redis.call('SADD', key, unpack(args))
          elseif kind == 'zset' then
            for e = 0, n - 1 do args[#args + 1] = tostring(math.random() * 1000000); args[#args + 1] = 'member:' .. (i + e) end
            redis.call('ZADD', key, unpack(args))
          elseif kind == 'hash' then
            for e = 0, n - 1 do args[#args + 1] = 'field:' .. (i + e); args[#args + 1] = piece(size) end
            redis.call('HSET', key, unpack(args))
          else
            for e = 0, n - 1 do redis.call('XADD', key, '*', 'seq', i + e, 'payload', piece(size)) end
          end
          i = i + n
        end
        return count
        """;

    public static async Task<string> MixedAsync(string cacheDir, int keys, CancellationToken cancellationToken)
    {
        var path = Path.Combine(cacheDir, $"mixed-{keys}.rdb");
        await GenerateAsync(path, async redis =>
        {
            var strings = keys * 7 / 10;
            var small = keys - strings - 45;
            await RunBatchesAsync(redis, StringsScript, 0, strings, 20_000, "strings", cancellationToken);
            await RunBatchesAsync(redis, SmallCollectionsScript, strings, small, 20_000, "small collections", cancellationToken);
            var scale = Math.Max(1, keys / 1000);
            for (var k = 0; k < 10; k++)
            {
                await BigKeyAsync(redis, "list", $"big:list:{k}", 100 * scale, 50, cancellationToken);
                await BigKeyAsync(redis, "set", $"big:set:{k}", 50 * scale, 20, cancellationToken);
                await BigKeyAsync(redis, "zset", $"big:zset:{k}", 50 * scale, 0, cancellationToken);
                await BigKeyAsync(redis, "hash", $"big:hash:{k}", 50 * scale, 40, cancellationToken);
            }

            for (var k = 0; k < 5; k++)
            {
                await BigKeyAsync(redis, "stream", $"big:stream:{k}", 100 * scale, 30, cancellationToken);
                var db = redis.GetDatabase();
                await db.StreamCreateConsumerGroupAsync($"big:stream:{k}", "group", "0-0");
                await db.StreamReadGroupAsync($"big:stream:{k}", "group", "consumer", ">", 1000);
            }
        }, cancellationToken);
        return path;
    }

    public static async Task<string> BigListAsync(string cacheDir, int elements, CancellationToken cancellationToken)
    {
        var path = Path.Combine(cacheDir, $"biglist-{elements}.rdb");
        await GenerateAsync(path, async redis =>
        {
            for (var first = 0; first < elements; first += 1_000_000)
            {
                await BigKeyAsync(redis, "list", "big:list", Math.Min(1_000_000, elements - first), 100, cancellationToken, first);
                Console.Error.Write($"\r  list: {Math.Min(elements, first + 1_000_000):N0}/{elements:N0} elements");
            }

            Console.Error.WriteLine();
        }, cancellationToken);
        return path;
    }

    private static async Task GenerateAsync(string path, Func<ConnectionMultiplexer, Task> fill, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            Console.WriteLine($"using cached {path} ({new FileInfo(path).Length / 1048576.0:F1} MB)");
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Console.WriteLine($"generating {path} with redis-server (once; cached afterwards)...");
        var clock = Stopwatch.StartNew();
        var workDir = Path.Combine(Path.GetDirectoryName(path)!, "work-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workDir);
        await using (var server = await RedisServerProcess.StartAsync(["--rdbcompression", "yes", "--lua-time-limit", "0"], directory: workDir, cancellationToken: cancellationToken))
        {
            using var redis = await ConnectionMultiplexer.ConnectAsync($"{server.EndPoint},allowAdmin=true,syncTimeout=900000,asyncTimeout=900000");
            await fill(redis);
            await redis.GetServer(server.EndPoint).ExecuteAsync("SAVE");
            File.Move(server.RdbPath, path + ".tmp");
        }

        File.Move(path + ".tmp", path);
        Console.WriteLine($"generated {path}: {new FileInfo(path).Length / 1048576.0:F1} MB in {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task RunBatchesAsync(ConnectionMultiplexer redis, string script, int first, int count, int batch, string what, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var pool = Pool();
        for (var start = first; start < first + count; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Math.Min(batch, first + count - start);
            await db.ScriptEvaluateAsync(script, values: [start, n, pool]);
            Console.Error.Write($"\r  {what}: {start + n - first:N0}/{count:N0}");
        }

        Console.Error.WriteLine();
    }

    private static async Task BigKeyAsync(ConnectionMultiplexer redis, string kind, string key, int count, int size, CancellationToken cancellationToken, int first = 0)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await redis.GetDatabase().ScriptEvaluateAsync(BigKeyScript, values: [kind, key, first, count, Math.Max(size, 1), Pool()]);
    }

    private static byte[] Pool()
    {
        var pool = new byte[PoolBytes];
        new Random(42).NextBytes(pool);
        return pool;
    }

    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
}
