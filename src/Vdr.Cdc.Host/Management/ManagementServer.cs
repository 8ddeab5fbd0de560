using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Vdr.Cdc.Diagnostics;

namespace Vdr.Cdc.Host.Management;

/// <summary>
/// The HTTP management endpoint, a minimal ASP.NET Core app on its own port inside the connector's host:
/// <c>/healthz/live</c>, <c>/healthz/ready</c> (200 or 503 with a JSON body) and <c>/metrics</c> (Prometheus text
/// format from the OpenTelemetry meter provider of the host). Starts before the connector's worker and stops after it.
/// </summary>
public sealed class ManagementServer(
    IOptions<CdcOptions> options,
    RedisCdcConnector connector,
    MeterProvider meterProvider,
    IServiceProvider services,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ManagementServer>();
    private WebApplication? _app;

    /// <summary>The bound address, e.g. <c>http://0.0.0.0:9464</c> (null when disabled or not started).</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var management = options.Value.Management;
        if (!management.Enabled)
        {
            ManagementLog.Disabled(_logger);
            return;
        }

        var app = Build(management);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            ManagementLog.ListenFailed(_logger, management.BindAddress, management.Port, e.Message);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Address = new Uri(bound);
        ManagementLog.Listening(_logger, bound);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private WebApplication Build(ManagementOptions management)
    {
        // An empty builder: no configuration sources (ASPNETCORE_* variables, appsettings) and no signal handling
        // of its own; it listens only where the connector's options say.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Services.AddSingleton<ILoggerFactory>(new ManagementLoggerFactory(loggerFactory));
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (string.Equals(management.BindAddress, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(management.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(management.BindAddress), management.Port);
            }
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddHealthChecks()
            .AddCheck("liveness", new ConnectorLivenessCheck(connector.Telemetry, management, WorkerTask), tags: ["live"])
            .AddCheck("readiness", new ConnectorReadinessCheck(connector.Telemetry, management), tags: ["ready"]);

        var app = builder.Build();
        app.UseRouting();
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live"), ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider, configureBranchedPipeline: null, optionsName: null);
        return app;
    }

    /// <summary>The connector worker's task (null before it started).</summary>
    private Task? WorkerTask() => services.GetServices<IHostedService>().OfType<RedisCdcWorker>().FirstOrDefault()?.ExecuteTask;
}
