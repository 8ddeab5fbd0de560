using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Pipeline;

/// <summary>Loggers that write to the test's output.</summary>
internal sealed class TestOutputLoggerFactory(ITestOutputHelper output) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output);

    public void Dispose()
    {
    }
}
