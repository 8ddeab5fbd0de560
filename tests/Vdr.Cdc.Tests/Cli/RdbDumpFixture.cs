using StackExchange.Redis;
using Vdr.Testing;

namespace Vdr.Cdc.Tests.Cli;

/// <summary>A dump SAVEd by a real redis-server 7.0 filled with <see cref="RdbSampleData"/>, plus a few server answers.</summary>
public sealed class RdbDumpFixture : IAsyncLifetime
{
    public string DumpPath { get; private set; } = "";

    public long TotalKeys { get; private set; }

    public List<(string Member, double Score)> SpecialZRange { get; private set; } = [];

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await RedisServerProcess.StartAsync(RdbSampleData.ServerArgs, cancellationToken: timeout.Token);
        using var redis = await ConnectionMultiplexer.ConnectAsync($"{server.EndPoint},allowAdmin=true,syncTimeout=20000,asyncTimeout=20000");
        await RdbSampleData.FillAsync(redis);
        foreach (var db in new[] { 0, 1, 15 })
        {
            TotalKeys += (long)await redis.GetDatabase(db).ExecuteAsync("DBSIZE");
        }

        SpecialZRange = [.. (await redis.GetDatabase().SortedSetRangeByRankWithScoresAsync("zset:special-skiplist")).Select(e => ((string)e.Element!, e.Score))];
        await redis.GetServer(server.EndPoint).ExecuteAsync("SAVE");
        DumpPath = Path.Combine(Path.GetTempPath(), $"vdr-cli-fixture-{Guid.NewGuid():N}.rdb");
        File.Copy(server.RdbPath, DumpPath);
    }

    public Task DisposeAsync()
    {
        File.Delete(DumpPath);
        return Task.CompletedTask;
    }
}
