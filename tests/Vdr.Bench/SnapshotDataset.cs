using StackExchange.Redis;
using Vdr.Testing;

namespace Vdr.Bench;

/// <summary>Size of the keys of the mixed snapshot dataset.</summary>
public enum DatasetShape
{
    /// <summary>About 33 bytes of RDB per key: 2–3 short elements (per-key costs dominate).</summary>
    Small,

    /// <summary>About 500 bytes of RDB per key: 10–20 elements or a 500-byte string, barely compressible (bytes dominate).</summary>
    Large,

    /// <summary>About 700 bytes of RDB per key, the size of the reference dataset in the connector-core issue (57 MB/s at 81k keys/s).</summary>
    Wide,
}

/// <summary>
/// The mixed dataset of the snapshot benchmarks: strings, hashes, lists, sets and sorted sets in turn, loaded
/// through StackExchange.Redis into a primary that allows diskless full syncs.
/// </summary>
public static class SnapshotDataset
{
    public static readonly string[] PrimaryArguments =
        ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0", "--repl-backlog-size", "256mb", "--client-output-buffer-limit", "replica 0 0 0"];

    public static DatasetShape Parse(string text) => Enum.Parse<DatasetShape>(text, ignoreCase: true);

    /// <summary>Loads <paramref name="keys"/> keys, saves, and returns the RDB size in bytes.</summary>
    public static async Task<long> LoadAsync(ConnectionMultiplexer connection, RedisServerProcess primary, int keys, DatasetShape shape)
    {
        Console.WriteLine($"loading {keys:N0} mixed keys ({shape})...");
        var db = connection.GetDatabase();
        const int Batch = 2_000;
        for (var start = 0; start < keys; start += Batch)
        {
            var tasks = new List<Task>(Batch);
            for (var i = start; i < Math.Min(keys, start + Batch); i++)
            {
                tasks.Add(shape switch
                {
                    DatasetShape.Small => AddSmall(db, i),
                    DatasetShape.Large => AddLarge(db, i),
                    _ => AddWide(db, i),
                });
            }

            await Task.WhenAll(tasks);
        }

        var server = connection.GetServer(primary.EndPoint);
        await server.ExecuteAsync("SAVE");
        var rdbBytes = new FileInfo(primary.RdbPath).Length;
        Console.WriteLine($"dataset: {keys:N0} keys ({shape}), RDB {rdbBytes / 1e6:F1} MB");
        return rdbBytes;
    }

    private static Task AddSmall(IDatabase db, int i) => (i % 5) switch
    {
        0 => db.HashSetAsync($"h:{i}", [new HashEntry("a", i), new HashEntry("b", "value-" + i)]),
        1 => db.ListRightPushAsync($"l:{i}", ["x", "y", "z"]),
        2 => db.SetAddAsync($"s:{i}", ["1", "2", "three"]),
        3 => db.SortedSetAddAsync($"z:{i}", [new SortedSetEntry("m1", 1), new SortedSetEntry("m2", 2.5)]),
        _ => db.StringSetAsync($"k:{i}", "value-" + i + "-0123456789abcdef"),
    };

    private static Task AddLarge(IDatabase db, int i) => (i % 5) switch
    {
        0 => db.HashSetAsync($"h:{i}", [.. Enumerable.Range(0, 10).Select(f => new HashEntry("field" + f, Text(i, f, 40)))]),
        1 => db.ListRightPushAsync($"l:{i}", [.. Enumerable.Range(0, 20).Select(e => (RedisValue)Text(i, e, 24))]),
        2 => db.SetAddAsync($"s:{i}", [.. Enumerable.Range(0, 16).Select(e => (RedisValue)Text(i, e, 24))]),
        3 => db.SortedSetAddAsync($"z:{i}", [.. Enumerable.Range(0, 12).Select(e => new SortedSetEntry(Text(i, e, 24), (i * 31) + e))]),
        _ => db.StringSetAsync($"k:{i}", Text(i, 0, 500)),
    };

    private static Task AddWide(IDatabase db, int i) => (i % 5) switch
    {
        0 => db.HashSetAsync($"h:{i}", [.. Enumerable.Range(0, 14).Select(f => new HashEntry("field" + f, Text(i, f, 56)))]),
        1 => db.ListRightPushAsync($"l:{i}", [.. Enumerable.Range(0, 29).Select(e => (RedisValue)Text(i, e, 32))]),
        2 => db.SetAddAsync($"s:{i}", [.. Enumerable.Range(0, 23).Select(e => (RedisValue)Text(i, e, 32))]),
        3 => db.SortedSetAddAsync($"z:{i}", [.. Enumerable.Range(0, 17).Select(e => new SortedSetEntry(Text(i, e, 40), (i * 31) + e))]),
        _ => db.StringSetAsync($"k:{i}", Text(i, 0, 1440)),
    };

    /// <summary>Deterministic hex text: compresses about as little as real identifiers and tokens do.</summary>
    private static string Text(int key, int element, int length)
    {
        var chars = new char[length];
        var state = (ulong)(((long)key * 1_000_003) + element) | 1;
        for (var c = 0; c < length; c++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chars[c] = "0123456789abcdef"[(int)(state & 15)];
        }

        return new string(chars);
    }
}
