using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Hosting;

/// <summary>Registers a Redis replica driving an <see cref="IReplicationHandler"/> as a hosted service.</summary>
public static class ReplicationServiceCollectionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="THandler"/> (singleton), a <see cref="ReplicationRunner"/> built from the options
    /// <paramref name="configure"/> fills, and a <see cref="ReplicationHostedService"/> that runs it.
    /// </summary>
    public static IServiceCollection AddRedisReplica<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, Action<RedisReplicaOptions> configure, ReplicationPosition? from = null)
        where THandler : class, IReplicationHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton<THandler>();
        services.TryAddSingleton(new ReplicaStartPosition(from));
        services.TryAddSingleton(sp =>
        {
            var options = new RedisReplicaOptions { Url = string.Empty };
            configure(options);
            return new ReplicationRunner(options, sp.GetRequiredService<THandler>(), sp.GetService<ILoggerFactory>());
        });
        services.AddHostedService<ReplicationHostedService>();
        return services;
    }
}
