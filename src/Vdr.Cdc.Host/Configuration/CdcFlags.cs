using System.CommandLine;

namespace Vdr.Cdc.Host.Configuration;

/// <summary>
/// The configuration flags shared by <c>run</c> and <c>check-config</c>: each sets one key and wins over every
/// other source; <c>--set KEY=VALUE</c> sets any key.
/// </summary>
public sealed class CdcFlags
{
    public Option<string?> Redis { get; } = new("--redis") { Description = "Source Redis URL, redis://[user:password@]host:port (rediss:// for TLS). Key Vdr:Cdc:Redis:Url." };

    public Option<string?> Kafka { get; } = new("--kafka") { Description = "Kafka bootstrap servers (host:port[,host:port]). Key Vdr:Cdc:Kafka:BootstrapServers." };

    public Option<string?> Name { get; } = new("--name") { Description = "Connector name: Kafka transactional.id and progress key (keep it stable). Key Vdr:Cdc:Name." };

    public Option<string?> TopicPrefix { get; } = new("--topic-prefix") { Description = "Topic prefix (topics <prefix>.db<N>, <prefix>.progress); default redis. Key Vdr:Cdc:Kafka:TopicPrefix." };

    public Option<string?> LogFormat { get; } = new("--log-format") { Description = "Console log format: text or json. Key Vdr:Cdc:Logging:Format." };

    public Option<string?> Config { get; } = new("--config") { Description = "A JSON configuration file (keys under Vdr:Cdc, Logging); overrides appsettings.json, overridden by VDR_CDC__* variables and flags." };

    public Option<string[]> Set { get; } = new("--set") { Description = "KEY=VALUE for any configuration key, e.g. --set Vdr:Cdc:Kafka:Batch:MaxEvents=5000 (repeatable).", AllowMultipleArgumentsPerToken = false };

    /// <summary>Adds the flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Redis);
        command.Options.Add(Kafka);
        command.Options.Add(Name);
        command.Options.Add(TopicPrefix);
        command.Options.Add(LogFormat);
        command.Options.Add(Config);
        command.Options.Add(Set);
    }

    /// <summary>The configuration input the parsed flags describe.</summary>
    /// <exception cref="CdcConfigurationException">A <c>--set</c> value is not KEY=VALUE.</exception>
    public CdcConfigurationInput ToInput(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var assignment in parseResult.GetValue(Set) ?? [])
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CdcConfigurationException($"--set {assignment}: expected KEY=VALUE, e.g. --set Vdr:Cdc:Kafka:Batch:MaxEvents=5000.");
            }

            flags[assignment[..equals]] = assignment[(equals + 1)..];
        }

        SetIfGiven(flags, "Vdr:Cdc:Redis:Url", parseResult.GetValue(Redis));
        SetIfGiven(flags, "Vdr:Cdc:Kafka:BootstrapServers", parseResult.GetValue(Kafka));
        SetIfGiven(flags, "Vdr:Cdc:Name", parseResult.GetValue(Name));
        SetIfGiven(flags, "Vdr:Cdc:Kafka:TopicPrefix", parseResult.GetValue(TopicPrefix));
        SetIfGiven(flags, "Vdr:Cdc:Logging:Format", parseResult.GetValue(LogFormat));
        return new CdcConfigurationInput { ConfigFile = parseResult.GetValue(Config), Flags = flags };
    }

    private static void SetIfGiven(Dictionary<string, string?> flags, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            flags[key] = value;
        }
    }
}
