using Microsoft.Extensions.Logging;

namespace Vdr.Cdc.Host.Management;

/// <summary>
/// The management web app logs through the host's logger factory (same providers and format), with ASP.NET Core's
/// messages below Warning left out (probes and scrapes would otherwise log several lines each) and failed health
/// checks not logged (the prober gets the reason; the connector logs the cause).
/// </summary>
internal sealed class ManagementLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        if (categoryName.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal))
        {
            // A failing check is reported to the prober (503 with the reason); the connector logs the cause itself.
            return new AtLeast(logger, LogLevel.Critical);
        }

        return categoryName.StartsWith("Microsoft.", StringComparison.Ordinal) ? new AtLeast(logger, LogLevel.Warning) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The host owns the inner factory.
    }

    private sealed class AtLeast(ILogger inner, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
