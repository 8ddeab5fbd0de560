using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vdr.Cdc.Configuration;
using Vdr.Cdc.Host.Configuration;
using Vdr.Cdc.Host.Management;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc run --redis &lt;url&gt; --kafka &lt;bootstrap&gt; --name &lt;connector&gt; [--topic-prefix &lt;p&gt;] [--config &lt;file&gt;]
/// [--log-format text|json] [--set KEY=VALUE]</c>: runs the connector until Ctrl-C/SIGTERM (graceful: commit or abort
/// the open transaction, final ACK). Configuration: <see cref="CdcHostConfiguration"/> (appsettings.json, the
/// <c>--config</c> file, <c>VDR_CDC__...</c> environment variables, then the flags), validated before anything
/// connects. Exit codes: 0 (stopped), 2 (configuration), 1 (fatal error, e.g. fenced by another instance).
/// </summary>
public static class RunCommand
{
    public static Command Create()
    {
        var flags = new CdcFlags();
        var command = new Command("run", "Run the connector: Redis (PSYNC) to Kafka, exactly once, until Ctrl-C.");
        flags.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            CdcConfigurationInput input;
            try
            {
                input = flags.ToInput(parseResult);
            }
            catch (CdcConfigurationException e)
            {
                await Console.Error.WriteLineAsync($"vdr-cdc run: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            return await RunAsync(input, Console.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs with <paramref name="overrides"/> as flags, keys relative to <c>Vdr:Cdc</c> (<c>Redis:Url</c>).</summary>
    public static Task<int> RunAsync(string? configFile, IReadOnlyDictionary<string, string?> overrides, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var flags = overrides.ToDictionary(kv => CdcOptions.SectionName + ":" + kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        return RunAsync(new CdcConfigurationInput { ConfigFile = configFile, Flags = flags }, stderr, cancellationToken);
    }

    /// <summary>Builds the configuration, validates it (exit 2 with every problem on <paramref name="stderr"/>), then runs the host.</summary>
    public static async Task<int> RunAsync(CdcConfigurationInput input, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(stderr);
        if (await CheckConfigCommand.LoadAsync(input, "vdr-cdc run", stderr).ConfigureAwait(false) is not { } loaded)
        {
            return 2;
        }

        Environment.ExitCode = 0;
        var builder = CdcHostConfiguration.CreateHostBuilder(loaded.Configuration, loaded.Options.Logging.Format);
        builder.Services.AddCdcManagement(stderr);
        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            // The same rules ran above; this only fires if a later source changed the options.
            foreach (var failure in e.Failures)
            {
                await stderr.WriteLineAsync($"vdr-cdc run: {failure}").ConfigureAwait(false);
            }

            return 2;
        }

        return Environment.ExitCode;
    }
}
