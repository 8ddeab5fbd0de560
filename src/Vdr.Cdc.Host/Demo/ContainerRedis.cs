using DotNet.Testcontainers.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Testcontainers.Redis;

namespace Vdr.Cdc.Host.Demo;

/// <summary>
/// Redis in a Docker container (Testcontainers), for machines with Docker but no <c>redis-server</c>. Disposing it
/// removes the container; Testcontainers' reaper (Ryuk) removes it too if the demo is killed.
/// </summary>
internal sealed class ContainerRedis : IDemoRedis
{
    public const string Image = "redis:7.2-alpine";
    private readonly RedisContainer _container;

    private ContainerRedis(RedisContainer container)
    {
        _container = container;
    }

    public string Host => _container.Hostname;

    public int Port => _container.GetMappedPublicPort(RedisBuilder.RedisPort);

    public string Description => $"Docker container {_container.Name.TrimStart('/')} ({Image}), removed on exit";

    public bool HasExited => _container.State is not DotNet.Testcontainers.Containers.TestcontainersStates.Running;

    public static async Task<ContainerRedis> StartAsync(CancellationToken cancellationToken)
    {
        var container = new RedisBuilder(Image)
            .WithLogger(NullLogger.Instance)
            .Build();
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            return new ContainerRedis(container);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw new DemoSetupException($"the Redis container ({Image}) did not start: {e.Message}", e);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
