using System.Globalization;
using StackExchange.Redis;

namespace Vdr.E2E;

/// <summary>
/// The initial dataset, loaded before the connector's first full sync: every type in db 0 and db 1, keys with long
/// TTLs, and big keys (a list and a hash of <c>bigElements</c> elements, a set and a sorted set of a quarter of that,
/// a 5 MB string). Key names are shared with <see cref="Workload"/>: <c>&lt;type&gt;:&lt;n&gt;</c>.
/// </summary>
public static class Dataset
{
    /// <summary>Keys per type and database the workload draws from.</summary>
    public const int KeysPerType = 200;

    /// <summary>Databases the dataset and the workload use.</summary>
    public static readonly int[] Databases = [0, 1];

    /// <summary>A TTL far beyond any run, so nothing expires while the test runs (expiry timing would make digests differ).</summary>
    public static TimeSpan LongTtl(Random random) => TimeSpan.FromSeconds(1_000_000 + random.Next(1_000_000));

    public static async Task<long> LoadAsync(IConnectionMultiplexer redis, Random random, int bigElements, int bigStringBytes)
    {
        var commands = 0L;
        foreach (var dbIndex in Databases)
        {
            var db = redis.GetDatabase(dbIndex);
            var tasks = new List<Task>();
            for (var i = 0; i < KeysPerType; i++)
            {
                // Leave some keys absent, so that the workload also creates keys.
                if (random.Next(10) == 0)
                {
                    continue;
                }

                tasks.Add(db.StringSetAsync(Key("str", i), RandomText(random, 1 + random.Next(60))));
                tasks.Add(db.StringSetAsync(Key("cnt", i), random.Next(-1000, 1000)));
                tasks.Add(db.StringSetAsync(Key("flt", i), (random.NextDouble() * 100).ToString("R", CultureInfo.InvariantCulture)));
                tasks.Add(db.ListRightPushAsync(Key("list", i), Values(random, 1 + random.Next(40))));
                tasks.Add(db.SetAddAsync(Key("set", i), Values(random, 1 + random.Next(40))));
                tasks.Add(db.SortedSetAddAsync(Key("zset", i), [.. Values(random, 1 + random.Next(40)).Select(v => new SortedSetEntry(v, random.Next(-50, 50) / 4.0))]));
                tasks.Add(db.HashSetAsync(Key("hash", i), [.. Values(random, 1 + random.Next(30)).Select(v => new HashEntry("f" + v, random.Next(100)))]));
                if (i % 10 == 0)
                {
                    for (var e = 0; e < 1 + random.Next(20); e++)
                    {
                        tasks.Add(db.StreamAddAsync(Key("stream", i), [new("f", RandomText(random, 8)), new("n", e)]));
                    }
                }

                commands += 7;
                if (random.Next(7) == 0)
                {
                    tasks.Add(db.KeyExpireAsync(Key(Workload.Types[random.Next(Workload.Types.Length)], i), LongTtl(random)));
                    commands++;
                }
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        var db0 = redis.GetDatabase(0);
        const int Batch = 10_000;
        for (var start = 0; start < bigElements; start += Batch)
        {
            var count = Math.Min(Batch, bigElements - start);
            var range = Enumerable.Range(start, count);
            var quarter = start < bigElements / 4;
            await Task.WhenAll(
                db0.ListRightPushAsync("big:list", [.. range.Select(n => (RedisValue)("element-" + n.ToString(CultureInfo.InvariantCulture)))]),
                db0.HashSetAsync("big:hash", [.. range.Select(n => new HashEntry("field-" + n.ToString(CultureInfo.InvariantCulture), n))]),
                quarter ? db0.SetAddAsync("big:set", [.. range.Select(n => (RedisValue)("member-" + n.ToString(CultureInfo.InvariantCulture)))]) : Task.CompletedTask,
                quarter ? db0.SortedSetAddAsync("big:zset", [.. range.Select(n => new SortedSetEntry("member-" + n.ToString(CultureInfo.InvariantCulture), n % 977))]) : Task.CompletedTask).ConfigureAwait(false);
            commands += quarter ? 4 : 2;
        }

        var bytes = new byte[bigStringBytes];
        random.NextBytes(bytes);
        await db0.StringSetAsync("big:string", bytes).ConfigureAwait(false);
        await db0.KeyExpireAsync("big:hash", LongTtl(random)).ConfigureAwait(false);
        return commands + 2;
    }

    public static string Key(string type, int index) => type + ":" + index.ToString(CultureInfo.InvariantCulture);

    public static RedisValue[] Values(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (RedisValue)random.Next(1000).ToString(CultureInfo.InvariantCulture))];

    public static string RandomText(Random random, int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_ ";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
    }
}
