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
                    DatasetShape.Large => AddSized(db, i, LargeSizes),
                    _ => AddSized(db, i, WideSizes),
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

    private static readonly Sizes LargeSizes = new(HashFields: 10, HashValue: 40, ListItems: 20, SetMembers: 16, ZsetMembers: 12, Element: 24, ZsetMember: 24, String: 500);
    private static readonly Sizes WideSizes = new(HashFields: 14, HashValue: 56, ListItems: 29, SetMembers: 23, ZsetMembers: 17, Element: 32, ZsetMember: 40, String: 1440);

    private static Task AddSized(IDatabase db, int i, Sizes z) => (i % 5) switch
    {
        0 => db.HashSetAsync($"h:{i}", [.. Enumerable.Range(0, z.HashFields).Select(f => new HashEntry("field" + f, Text(i, f, z.HashValue)))]),
        1 => db.ListRightPushAsync($"l:{i}", [.. Enumerable.Range(0, z.ListItems).Select(e => (RedisValue)Text(i, e, z.Element))]),
        2 => db.SetAddAsync($"s:{i}", [.. Enumerable.Range(0, z.SetMembers).Select(e => (RedisValue)Text(i, e, z.Element))]),
        3 => db.SortedSetAddAsync($"z:{i}", [.. Enumerable.Range(0, z.ZsetMembers).Select(e => new SortedSetEntry(Text(i, e, z.ZsetMember), (i * 31) + e))]),
        _ => db.StringSetAsync($"k:{i}", Text(i, 0, z.String)),
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

    /// <summary>Element counts and lengths (characters) of the collections and strings of a dataset shape.</summary>
    private readonly record struct Sizes(int HashFields, int HashValue, int ListItems, int SetMembers, int ZsetMembers, int Element, int ZsetMember, int String);
}
