using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Vdr.Cdc.Configuration;

/// <summary>
/// All of <see cref="CdcOptions"/>' validation in one call: the attribute validator
/// (<see cref="CdcOptionsValidator"/>), then the cross-field rules (<see cref="CdcOptionsRules"/>). Messages have
/// the form <c>Vdr:Cdc:Kafka:Batch:MaxEvents: must be between 1 and 10000000</c>. Registered for
/// <c>ValidateOnStart</c> by <see cref="CdcServiceCollectionExtensions.AddRedisCdc"/>.
/// </summary>
public sealed partial class CdcOptionsValidation : IValidateOptions<CdcOptions>
{
    public ValidateOptionsResult Validate(string? name, CdcOptions options)
    {
        var errors = Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Every problem of <paramref name="options"/>, each naming its full key; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(CdcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        // The generated validator names members "<name>.Kafka.Routes[0].Topic"; with the section as the name, that
        // becomes the configuration key once '.' and '[i]' are written the configuration way.
        var result = new CdcOptionsValidator().Validate(CdcOptions.SectionName, options);
        if (result.Failed)
        {
            errors.AddRange(result.Failures.Select(ToKeyMessage));
        }

        errors.AddRange(CdcOptionsRules.Check(options));
        return errors;
    }

    /// <summary>Throws <see cref="CdcConfigurationException"/> listing every problem, one per line.</summary>
    public static void ThrowIfInvalid(CdcOptions options)
    {
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw new CdcConfigurationException(string.Join(Environment.NewLine, errors));
        }
    }

    /// <summary><c>[Member: ]Vdr:Cdc.Kafka.Routes[0].Topic: problem</c> → <c>Vdr:Cdc:Kafka:Routes:0:Topic: problem</c>.</summary>
    internal static string ToKeyMessage(string failure)
    {
        var start = failure.IndexOf(CdcOptions.SectionName + ".", StringComparison.Ordinal);
        if (start < 0)
        {
            return failure;
        }

        // Our messages are "{0}: problem"; the generator's Range attribute keeps its own "{0} must be between A and B.".
        var end = failure.IndexOf(' ', start);
        if (end < 0)
        {
            return failure[start..];
        }

        var path = failure[(start + CdcOptions.SectionName.Length + 1)..end].TrimEnd(':');
        var key = CdcOptions.SectionName + ":" + Indexer().Replace(path, ":$1").Replace('.', ':');
        var problem = failure[(end + 1)..].TrimEnd('.');
        return key + ": " + TimeSpanTrailingZeros().Replace(problem, "$1");
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Indexer();

    // 00:00:00.0100000 → 00:00:00.01
    [GeneratedRegex(@"\b(\d{2}:\d{2}:\d{2}\.\d*?[1-9])0+\b")]
    private static partial Regex TimeSpanTrailingZeros();
}
