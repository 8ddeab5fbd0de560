using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Vdr.Cdc.Configuration;

namespace Vdr.Cdc.Host.Configuration;

/// <summary>
/// The one place where the host's configuration is assembled, for <c>run</c>, <c>check-config</c> and
/// <c>demo</c>. Sources, later ones win: <c>appsettings.json</c> next to the executable, <c>appsettings.json</c> in
/// the working directory, the <c>--config</c> JSON file, environment variables (<c>VDR_CDC__REDIS__URL</c> →
/// <c>Vdr:Cdc:Redis:Url</c>; <c>Logging__LogLevel__Default</c> → <c>Logging:LogLevel:Default</c>), then the
/// command-line flags.
/// </summary>
public static class CdcHostConfiguration
{
    /// <summary>Prefix of the connector's environment variables; <c>__</c> separates key segments.</summary>
    public const string EnvironmentPrefix = "VDR_CDC__";

    private const string LoggingEnvironmentPrefix = "Logging__";

    /// <summary>Adds the sources in precedence order to <paramref name="builder"/>.</summary>
    public static IConfigurationBuilder AddCdcSources(this IConfigurationBuilder builder, CdcConfigurationInput input)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(input);
        var directories = input.AppSettingsDirectories ?? [AppContext.BaseDirectory, Directory.GetCurrentDirectory()];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            var file = Path.GetFullPath(Path.Combine(directory, "appsettings.json"));
            if (seen.Add(file) && File.Exists(file))
            {
                builder.AddJsonFile(file, optional: true, reloadOnChange: false);
            }
        }

        if (input.ConfigFile is { } configFile)
        {
            if (!File.Exists(configFile))
            {
                throw new CdcConfigurationException($"--config {configFile}: no such file.");
            }

            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(EnvironmentKeys(input.Environment ?? System.Environment.GetEnvironmentVariables()));
        builder.AddInMemoryCollection(input.Flags.Where(kv => kv.Value is not null));
        return builder;
    }

    /// <summary>The configuration of <paramref name="input"/>; unreadable files become a <see cref="CdcConfigurationException"/>.</summary>
    public static IConfigurationRoot Build(CdcConfigurationInput input)
    {
        try
        {
            return new ConfigurationBuilder().AddCdcSources(input).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException or IOException)
        {
            var detail = e.GetBaseException() is { } inner && inner != e ? $" {inner.Message}" : string.Empty;
            throw new CdcConfigurationException($"cannot read the configuration: {e.Message}{detail}", e);
        }
    }

    /// <summary>
    /// A host for the connector on <paramref name="configuration"/> (no other configuration source), console logs
    /// as <paramref name="format"/> with levels from <c>Logging:LogLevel</c>, options validated at start.
    /// </summary>
    public static HostApplicationBuilder CreateHostBuilder(IConfiguration configuration, LogFormat format)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var manager = new ConfigurationManager();
        manager.AddConfiguration(configuration);
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            Configuration = manager,
            EnvironmentName = Environments.Production,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        ConfigureLogging(builder.Logging, configuration, format);
        builder.Services.AddRedisCdc();
        return builder;
    }

    /// <summary>Console logging as text or JSON lines; levels from the standard <c>Logging</c> section (default Information).</summary>
    public static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration, LogFormat format)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddConfiguration(configuration.GetSection("Logging"));
        if (format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    }

    /// <summary>
    /// <c>VDR_CDC__KAFKA__BOOTSTRAPSERVERS</c> → <c>Vdr:Cdc:KAFKA:BOOTSTRAPSERVERS</c> (keys are case-insensitive;
    /// pass-through names keep their case: <c>VDR_CDC__KAFKA__PRODUCER__sasl.mechanism</c>), and
    /// <c>Logging__LogLevel__Default</c> → <c>Logging:LogLevel:Default</c>.
    /// </summary>
    public static Dictionary<string, string?> EnvironmentKeys(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name)
            {
                continue;
            }

            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                result[CdcOptions.SectionName + ":" + name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = entry.Value as string;
            }
            else if (name.StartsWith(LoggingEnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                result["Logging:" + name[LoggingEnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = entry.Value as string;
            }
        }

        return result;
    }
}
