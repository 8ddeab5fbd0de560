using Microsoft.Extensions.Configuration;
using Vdr.Cdc.Configuration;

namespace Vdr.Cdc.Tests.Configuration;

/// <summary>A minimal valid configuration plus the keys a test sets, loaded like the host loads it.</summary>
internal static class ConfigurationTestData
{
    public static Dictionary<string, string?> Valid() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Vdr:Cdc:Redis:Url"] = "redis://127.0.0.1:6390",
        ["Vdr:Cdc:Kafka:BootstrapServers"] = "127.0.0.1:9092",
    };

    public static CdcConfigurationResult Load(params (string Key, string? Value)[] settings)
    {
        var values = Valid();
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return CdcConfigurationLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }
}
