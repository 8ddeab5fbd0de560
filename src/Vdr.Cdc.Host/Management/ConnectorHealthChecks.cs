using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vdr.Cdc.Diagnostics;

namespace Vdr.Cdc.Host.Management;

/// <summary>
/// <c>/healthz/ready</c>: connected to Redis (snapshotting or streaming), Kafka transactions initialised, and no
/// change waiting for a commit longer than <see cref="ManagementOptions.StallTimeout"/>.
/// </summary>
internal sealed class ConnectorReadinessCheck(CdcTelemetry telemetry, ManagementOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = telemetry.CheckReady(options.StallTimeout);
        return Task.FromResult(health.IsHealthy ? HealthCheckResult.Healthy(health.Description) : HealthCheckResult.Unhealthy(health.Description));
    }
}

/// <summary>
/// <c>/healthz/live</c>: the connector's worker is running (not crashed) and not stuck (no change waiting for a
/// commit longer than <see cref="ManagementOptions.LivenessStallTimeout"/>). A lost Redis is not a liveness failure:
/// the connector reconnects by itself and a restart would not help.
/// </summary>
internal sealed class ConnectorLivenessCheck(CdcTelemetry telemetry, ManagementOptions options, Func<Task?> workerTask) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (workerTask() is { IsCompleted: true } task)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(task.IsFaulted ? "the connector worker failed" : "the connector worker has stopped"));
        }

        var health = telemetry.CheckLive(options.LivenessStallTimeout);
        return Task.FromResult(health.IsHealthy ? HealthCheckResult.Healthy(health.Description) : HealthCheckResult.Unhealthy(health.Description));
    }
}
