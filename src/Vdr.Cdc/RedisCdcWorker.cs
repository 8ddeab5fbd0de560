using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Vdr.Cdc;

/// <summary>
/// Hosts <see cref="RedisCdcConnector"/> as a background service: a fatal error is logged, sets a non-zero exit
/// code and stops the host; it is never swallowed.
/// </summary>
public sealed partial class RedisCdcWorker(RedisCdcConnector connector, IHostApplicationLifetime lifetime, ILogger<RedisCdcWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await connector.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Graceful stop.
        }
        catch (Exception e)
        {
            LogFatal(logger, e.Message, e);
            Environment.ExitCode = e is CdcConfigurationException ? 2 : 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(4190, LogLevel.Critical, "The connector stopped: {Reason}")]
    private static partial void LogFatal(ILogger logger, string reason, Exception exception);
}
