using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Vdr.Cdc.Diagnostics;

namespace Vdr.Cdc.Host.Management;

/// <summary>Registers the operability of <c>vdr-cdc run</c>: metrics, the management endpoint, the snapshot progress display.</summary>
public static class ManagementServiceCollectionExtensions
{
    /// <summary>
    /// Adds OpenTelemetry metrics (meters Vdr.Cdc, Vdr.RedisStream and the runtime's System.Runtime) exported in
    /// Prometheus format, the <see cref="ManagementServer"/> (from <c>Vdr:Cdc:Management</c>) and the snapshot
    /// progress display on <paramref name="progressTerminal"/>: a bar when <paramref name="interactive"/> (default: the
    /// writer is <see cref="Console.Error"/> and stderr is a terminal), log lines every 10 s otherwise. Call after <c>AddRedisCdc</c>.
    /// </summary>
    public static IServiceCollection AddCdcManagement(this IServiceCollection services, TextWriter progressTerminal, bool? interactive = null)
    {
        var bar = interactive ?? (progressTerminal == Console.Error && SnapshotProgressReporter.IsInteractiveTerminal());
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CdcMetrics.MeterName, "Vdr.RedisStream", "System.Runtime")
            .AddPrometheusExporter());
        services.AddSingleton<ManagementServer>();
        services.AddHostedService(sp => sp.GetRequiredService<ManagementServer>());
        services.AddHostedService(sp => new SnapshotProgressReporter(
            sp.GetRequiredService<RedisCdcConnector>(),
            sp.GetRequiredService<ILogger<SnapshotProgressReporter>>(),
            progressTerminal,
            bar));
        return services;
    }
}
