using System.Collections;

namespace Vdr.Cdc.Host.Configuration;

/// <summary>What the configuration is built from, besides the appsettings.json files.</summary>
public sealed class CdcConfigurationInput
{
    /// <summary>The <c>--config</c> JSON file, or null.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Command-line values by full key (<c>Vdr:Cdc:Redis:Url</c>); null values are ignored. Highest precedence.</summary>
    public IReadOnlyDictionary<string, string?> Flags { get; init; } = new Dictionary<string, string?>();

    /// <summary>The environment variables to read; null reads the process's.</summary>
    public IDictionary? Environment { get; init; }

    /// <summary>Folders searched for <c>appsettings.json</c>, lowest precedence first; null: the executable's folder, then the working directory.</summary>
    public IReadOnlyList<string>? AppSettingsDirectories { get; init; }
}
