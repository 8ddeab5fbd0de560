namespace Vdr.Cdc;

/// <summary>The connector cannot run with its configuration or environment (missing topic, bad option): not transient.</summary>
public sealed class CdcConfigurationException : Exception
{
    public CdcConfigurationException(string message)
        : base(message)
    {
    }

    public CdcConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
