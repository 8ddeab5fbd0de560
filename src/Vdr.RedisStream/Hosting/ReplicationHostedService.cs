using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Hosting;

/// <summary>
/// Runs a <see cref="ReplicationRunner"/> as a hosted service (the seed's child_spec). A non-transient failure
/// is logged and stops the application (never swallowed).
/// </summary>
public sealed partial class ReplicationHostedService(
    ReplicationRunner runner,
    ReplicaStartPosition start,
    IHostApplicationLifetime lifetime,
    ILogger<ReplicationHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await runner.RunAsync(start.Position, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // host shutdown
        }
        catch (Exception ex)
        {
            ReplicationFailed(logger, ex, ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await runner.StopAsync(cancellationToken).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1050, Level = LogLevel.Critical, Message = "Redis replication failed: {Reason}")]
    private static partial void ReplicationFailed(ILogger logger, Exception exception, string reason);
}
