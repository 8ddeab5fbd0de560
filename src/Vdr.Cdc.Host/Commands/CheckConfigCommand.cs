using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Vdr.Cdc.Configuration;
using Vdr.Cdc.Host.Configuration;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc check-config [--config &lt;file&gt;] [the flags of run]</c>: builds and validates the configuration exactly
/// as <c>run</c> does, without connecting. Valid: prints <c>configuration OK</c> and the effective values (secrets
/// as <c>***</c>) on stdout, exit 0. Invalid: every problem on stderr, exit 2.
/// </summary>
public static class CheckConfigCommand
{
    public static Command Create()
    {
        var flags = new CdcFlags();
        var command = new Command("check-config", "Validate the configuration (files, VDR_CDC__* variables, flags) without connecting; print the effective values.");
        flags.AddTo(command);
        command.SetAction(async (parseResult, _) =>
        {
            CdcConfigurationInput input;
            try
            {
                input = flags.ToInput(parseResult);
            }
            catch (CdcConfigurationException e)
            {
                await Console.Error.WriteLineAsync($"vdr-cdc check-config: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            return await RunAsync(input, Console.Out, Console.Error).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Validates <paramref name="input"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(CdcConfigurationInput input, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        if (await LoadAsync(input, "vdr-cdc check-config", stderr).ConfigureAwait(false) is not { } loaded)
        {
            return 2;
        }

        await stdout.WriteLineAsync("configuration OK").ConfigureAwait(false);
        foreach (var line in EffectiveConfiguration.Describe(loaded.Options))
        {
            await stdout.WriteLineAsync(line).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Builds and validates the configuration; on problems writes each as <c>&lt;prefix&gt;: &lt;problem&gt;</c> to
    /// <paramref name="stderr"/> and returns null.
    /// </summary>
    internal static async Task<(IConfiguration Configuration, CdcOptions Options)?> LoadAsync(CdcConfigurationInput input, string prefix, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(stderr);
        IConfigurationRoot configuration;
        try
        {
            configuration = CdcHostConfiguration.Build(input);
        }
        catch (CdcConfigurationException e)
        {
            await stderr.WriteLineAsync($"{prefix}: {e.Message}").ConfigureAwait(false);
            return null;
        }

        var loaded = CdcConfigurationLoader.Load(configuration);
        if (!loaded.IsValid)
        {
            foreach (var error in loaded.Errors)
            {
                await stderr.WriteLineAsync($"{prefix}: {error}").ConfigureAwait(false);
            }

            return null;
        }

        return (configuration, loaded.Options!);
    }
}
