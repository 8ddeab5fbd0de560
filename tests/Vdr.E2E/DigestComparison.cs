using System.Globalization;
using StackExchange.Redis;

namespace Vdr.E2E;

/// <summary>
/// Compares two servers: <c>DEBUG DIGEST</c> of the whole dataset (covers every key, type and value, and whether a
/// key has an expiry — not the expiry time, and not stream consumer groups), then key by key: TYPE,
/// <c>DEBUG DIGEST-VALUE</c> and the absolute expiry (<c>PEXPIRETIME</c>, which must be equal to the millisecond:
/// Redis replicates expiries as absolute times).
/// </summary>
public static class DigestComparison
{
    public static async Task<string> DigestAsync(IConnectionMultiplexer redis)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        return (string?)await server.ExecuteAsync("DEBUG", "DIGEST").ConfigureAwait(false) ?? "";
    }

    /// <summary>The databases that hold keys (from <c>INFO keyspace</c>).</summary>
    public static async Task<SortedSet<int>> DatabasesAsync(IConnectionMultiplexer redis)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var result = new SortedSet<int>();
        foreach (var group in await server.InfoAsync("keyspace").ConfigureAwait(false))
        {
            foreach (var entry in group)
            {
                if (entry.Key.StartsWith("db", StringComparison.Ordinal) && int.TryParse(entry.Key.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var db))
                {
                    result.Add(db);
                }
            }
        }

        return result;
    }

    /// <summary>Every key whose type, value or expiry differs (or that exists on one side only), in db then key order.</summary>
    public static async Task<List<KeyDifference>> CompareKeysAsync(IConnectionMultiplexer source, IConnectionMultiplexer target)
    {
        var differences = new List<KeyDifference>();
        var databases = await DatabasesAsync(source).ConfigureAwait(false);
        databases.UnionWith(await DatabasesAsync(target).ConfigureAwait(false));
        foreach (var db in databases)
        {
            var sourceKeys = await DescribeAsync(source, db).ConfigureAwait(false);
            var targetKeys = await DescribeAsync(target, db).ConfigureAwait(false);
            foreach (var key in sourceKeys.Keys.Union(targetKeys.Keys).Order(StringComparer.Ordinal))
            {
                sourceKeys.TryGetValue(key, out var s);
                targetKeys.TryGetValue(key, out var t);
                var what = (s, t) switch
                {
                    (null, _) => "only on the target",
                    (_, null) => "only on the source",
                    _ when s.Type != t.Type => "type differs",
                    _ when s.Digest != t.Digest => "value differs",
                    _ when s.ExpireAtMs != t.ExpireAtMs => "expiry differs",
                    _ => null,
                };
                if (what is not null)
                {
                    differences.Add(new KeyDifference(db, key, what, s, t));
                }
            }
        }

        return differences;
    }

    /// <summary>Deletes the keys matching <paramref name="pattern"/> in every database; returns how many.</summary>
    public static async Task<int> DeleteMatchingAsync(IConnectionMultiplexer redis, string pattern)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var deleted = 0;
        foreach (var db in await DatabasesAsync(redis).ConfigureAwait(false))
        {
            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(db, pattern, pageSize: 1000).ConfigureAwait(false))
            {
                keys.Add(key);
            }

            if (keys.Count > 0)
            {
                deleted += (int)await redis.GetDatabase(db).KeyDeleteAsync([.. keys]).ConfigureAwait(false);
            }
        }

        return deleted;
    }

    private static async Task<Dictionary<string, KeyState>> DescribeAsync(IConnectionMultiplexer redis, int dbIndex)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var db = redis.GetDatabase(dbIndex);
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(dbIndex, pageSize: 1000).ConfigureAwait(false))
        {
            keys.Add(key);
        }

        var result = new Dictionary<string, KeyState>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(500))
        {
            var described = chunk.Select(k => (
                Key: k,
                Type: db.ExecuteAsync("TYPE", k),
                Digest: db.ExecuteAsync("DEBUG", "DIGEST-VALUE", k),
                ExpireAt: db.ExecuteAsync("PEXPIRETIME", k))).ToList();
            foreach (var (key, type, digest, expireAt) in described)
            {
                var digestResult = await digest.ConfigureAwait(false);
                var digestText = digestResult.Resp2Type == ResultType.Array ? (string?)((RedisResult[])digestResult!)[0] : (string?)digestResult;
                result[Printable(key)] = new KeyState((string?)await type.ConfigureAwait(false) ?? "?", digestText ?? "?", (long)await expireAt.ConfigureAwait(false));
            }
        }

        return result;
    }

    /// <summary>The key as text; bytes that are not printable ASCII as \xNN.</summary>
    private static string Printable(RedisKey key)
    {
        var bytes = (byte[])key!;
        return string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7f && b != (byte)'\\' ? ((char)b).ToString() : $"\\x{b:x2}"));
    }
}

/// <summary>One key's type, value digest and absolute expiry (-1: none).</summary>
public sealed record KeyState(string Type, string Digest, long ExpireAtMs);

/// <summary>A key that is not the same on both sides.</summary>
public sealed record KeyDifference(int Db, string Key, string What, KeyState? Source, KeyState? Target)
{
    public override string ToString() =>
        $"db{Db} {Key}: {What} (source: {Describe(Source)}; target: {Describe(Target)})";

    private static string Describe(KeyState? state) =>
        state is null ? "absent" : $"{state.Type}, digest {state.Digest[..Math.Min(12, state.Digest.Length)]}, expire-at {state.ExpireAtMs}";
}
