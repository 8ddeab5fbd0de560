using StackExchange.Redis;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.RdbRedis;

/// <summary>
/// Once per test class: a redis-server 7.0 filled with <see cref="RdbSampleData"/>, its own view of every key
/// (read before SAVE, nothing written after), and the dump it SAVEd.
/// </summary>
public sealed class RedisDumpFixture : IAsyncLifetime
{
    public static readonly int[] Dbs = [0, 1, 15];

    public byte[] Dump { get; private set; } = [];

    public string DumpPath { get; private set; } = "";

    public List<KeyModel> Expected { get; private set; } = [];

    public Dictionary<int, long> DbSizes { get; } = [];

    public string RedisVersion { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await RedisServerProcess.StartAsync(RdbSampleData.ServerArgs, cancellationToken: timeout.Token);
        using var redis = await ConnectionMultiplexer.ConnectAsync($"{server.EndPoint},allowAdmin=true,syncTimeout=20000,asyncTimeout=20000");
        await RdbSampleData.FillAsync(redis);
        Expected = await ServerState.ReadAsync(redis, Dbs);
        foreach (var db in Dbs)
        {
            DbSizes[db] = (long)await redis.GetDatabase(db).ExecuteAsync("DBSIZE");
        }

        var admin = redis.GetServer(server.EndPoint);
        RedisVersion = admin.Version.ToString();
        await admin.ExecuteAsync("SAVE");
        DumpPath = Path.Combine(Path.GetTempPath(), $"vdr-rdb-fixture-{Guid.NewGuid():N}.rdb");
        File.Copy(server.RdbPath, DumpPath);
        Dump = await File.ReadAllBytesAsync(DumpPath);
    }

    public Task DisposeAsync()
    {
        File.Delete(DumpPath);
        return Task.CompletedTask;
    }
}
