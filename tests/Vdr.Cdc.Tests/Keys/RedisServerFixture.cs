using StackExchange.Redis;
using Vdr.Testing;

namespace Vdr.Cdc.Tests.Keys;

/// <summary>One real redis-server for the key-table tests, with a StackExchange.Redis connection.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public RedisServerProcess Server { get; private set; } = null!;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServerProcess.StartAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync(Server.EndPoint);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }
}
