namespace Vdr.Cdc.Configuration;

/// <summary>
/// How the host writes its console log (section <c>Vdr:Cdc:Logging</c>; flag <c>--log-format</c>). Levels are set
/// with the standard <c>Logging:LogLevel:Default</c> / <c>Logging:LogLevel:&lt;category&gt;</c> keys.
/// </summary>
public sealed class LoggingOptions
{
    /// <summary>Text (human-readable, one line per entry) or Json (one JSON object per line). Default Text.</summary>
    public LogFormat Format { get; set; } = LogFormat.Text;
}
