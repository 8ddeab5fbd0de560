using StackExchange.Redis;
using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Tests.RdbRedis;

/// <summary>What a live redis-server says about every key (the expectation a dump is compared with).</summary>
public static class ServerState
{
    public static async Task<List<KeyModel>> ReadAsync(IConnectionMultiplexer redis, IEnumerable<int> dbs)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = new List<KeyModel>();
        foreach (var dbIndex in dbs)
        {
            var db = redis.GetDatabase(dbIndex);
            await foreach (var key in server.KeysAsync(dbIndex, pageSize: 1000))
            {
                keys.Add(await ReadKeyAsync(db, dbIndex, key));
            }
        }

        return keys;
    }

    private static async Task<KeyModel> ReadKeyAsync(IDatabase db, int dbIndex, RedisKey key)
    {
        var type = await db.KeyTypeAsync(key);
        var encoding = (string?)await db.ExecuteAsync("OBJECT", "ENCODING", key) ?? throw new InvalidOperationException("no encoding");
        var expireTime = (long)await db.ExecuteAsync("PEXPIRETIME", key);
        long? expireAt = expireTime >= 0 ? expireTime : null;
        var keyBytes = (byte[])key!;
        var name = KeyModel.Show(keyBytes);
        return type switch
        {
            RedisType.String => new(dbIndex, name, "string", RdbEncoding.String, expireAt, KeyModel.Show((byte[])(await db.StringGetAsync(key))!)),
            RedisType.List => new(dbIndex, name, "list", RdbEncoding.ListQuicklist2, expireAt, KeyModel.List((await db.ListRangeAsync(key)).Select(v => (byte[])v!))),
            RedisType.Set => new(dbIndex, name, "set", encoding switch
            {
                "intset" => RdbEncoding.SetIntset,
                "listpack" => RdbEncoding.SetListpack,
                _ => RdbEncoding.Set,
            }, expireAt, KeyModel.Set((await db.SetMembersAsync(key)).Select(v => (byte[])v!))),
            RedisType.SortedSet => new(dbIndex, name, "zset", encoding == "listpack" ? RdbEncoding.ZSetListpack : RdbEncoding.ZSet2, expireAt,
                KeyModel.ZSet((await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => ((byte[])e.Element!, e.Score)))),
            RedisType.Hash => new(dbIndex, name, "hash", encoding == "listpack" ? RdbEncoding.HashListpack : RdbEncoding.Hash, expireAt,
                KeyModel.Hash((await db.HashGetAllAsync(key)).Select(e => ((byte[])e.Name!, (byte[])e.Value!)))),
            RedisType.Stream => new(dbIndex, name, "stream", RdbEncoding.StreamListpacks2, expireAt, await ReadStreamAsync(db, key)),
            _ => throw new InvalidOperationException($"Unexpected type {type} of key {name}."),
        };
    }

    private static async Task<string> ReadStreamAsync(IDatabase db, RedisKey key)
    {
        var info = await db.StreamInfoAsync(key);
        var entries = await db.StreamRangeAsync(key);
        var groups = new List<(byte[], string, long, IEnumerable<(byte[], long)>)>();
        foreach (var group in await db.StreamGroupInfoAsync(key))
        {
            var consumers = await db.StreamConsumerInfoAsync(key, group.Name);
            groups.Add((System.Text.Encoding.UTF8.GetBytes(group.Name), group.LastDeliveredId ?? "0-0", group.PendingMessageCount,
                consumers.Select(c => (System.Text.Encoding.UTF8.GetBytes(c.Name), (long)c.PendingMessageCount)).ToList()));
        }

        return KeyModel.Stream(
            (ulong)info.Length,
            info.LastGeneratedId.ToString(),
            entries.Select(e => (e.Id.ToString(), e.Values.Select(v => ((byte[])v.Name!, (byte[])v.Value!)))),
            groups);
    }
}
