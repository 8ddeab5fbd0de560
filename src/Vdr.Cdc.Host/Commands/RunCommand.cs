using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vdr.Cdc.Configuration;
using Vdr.Cdc.Host.Management;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc run --redis &lt;url&gt; --kafka &lt;bootstrap&gt; --name &lt;connector&gt; [--topic-prefix &lt;p&gt;] [--config &lt;file&gt;]</c>:
/// runs the connector until Ctrl-C/SIGTERM (graceful: commit or abort the open transaction, final ACK). Configuration
/// is the <c>Vdr:Cdc</c> section of appsettings.json, the <c>--config</c> JSON file, <c>VDR_CDC__...</c> environment
/// variables, then the flags. Exit codes: 0 (stopped), 2 (configuration), 1 (fatal error, e.g. fenced by another instance).
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var redis = new Option<string?>("--redis") { Description = "Source Redis URL, redis://[user:password@]host:port (rediss:// for TLS)." };
        var kafka = new Option<string?>("--kafka") { Description = "Kafka bootstrap servers (host:port[,host:port])." };
        var name = new Option<string?>("--name") { Description = "Connector name: Kafka transactional.id and progress key (keep it stable)." };
        var prefix = new Option<string?>("--topic-prefix") { Description = "Topic prefix (topics <prefix>.db<N>, <prefix>.progress); default redis." };
        var config = new Option<string?>("--config") { Description = "A JSON configuration file (section Vdr:Cdc)." };
        var command = new Command("run", "Run the connector: Redis (PSYNC) to Kafka, exactly once, until Ctrl-C.")
        {
            redis,
            kafka,
            name,
            prefix,
            config,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            Set(overrides, "Redis:Url", parseResult.GetValue(redis));
            Set(overrides, "Kafka:BootstrapServers", parseResult.GetValue(kafka));
            Set(overrides, "Name", parseResult.GetValue(name));
            Set(overrides, "Kafka:TopicPrefix", parseResult.GetValue(prefix));
            return await RunAsync(parseResult.GetValue(config), overrides, Console.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Builds the host with the configuration sources in order and runs it.</summary>
    public static async Task<int> RunAsync(string? configFile, IReadOnlyDictionary<string, string?> overrides, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(stderr);
        if (configFile is not null && !File.Exists(configFile))
        {
            await stderr.WriteLineAsync($"vdr-cdc run: --config {configFile}: no such file.").ConfigureAwait(false);
            return 2;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], EnvironmentName = Environments.Production });
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddInMemoryCollection(EnvironmentOverrides());
        builder.Configuration.AddInMemoryCollection(overrides.ToDictionary(kv => CdcOptions.SectionName + ":" + kv.Key, kv => kv.Value));
        builder.Services.AddRedisCdc();
        builder.Services.AddCdcManagement(stderr);
        var loaded = CdcConfigurationLoader.Load(builder.Configuration);
        if (!loaded.IsValid)
        {
            foreach (var error in loaded.Errors)
            {
                await stderr.WriteLineAsync($"vdr-cdc run: {error}").ConfigureAwait(false);
            }

            return 2;
        }

        Environment.ExitCode = 0;
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return Environment.ExitCode;
    }

    /// <summary><c>VDR_CDC__KAFKA__BOOTSTRAPSERVERS=...</c> → <c>Vdr:Cdc:KAFKA:BOOTSTRAPSERVERS</c> (keys are case-insensitive).</summary>
    private static Dictionary<string, string?> EnvironmentOverrides()
    {
        const string Prefix = "VDR_CDC__";
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                result[CdcOptions.SectionName + ":" + key[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = entry.Value as string;
            }
        }

        return result;
    }

    private static void Set(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            overrides[key] = value;
        }
    }
}
