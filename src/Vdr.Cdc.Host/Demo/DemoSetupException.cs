namespace Vdr.Cdc.Host.Demo;

/// <summary>The demo cannot start (no Redis to run, a server that does not come up): the message says why and what to do.</summary>
internal sealed class DemoSetupException : Exception
{
    public DemoSetupException(string message)
        : base(message)
    {
    }

    public DemoSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
