using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Vdr.Cdc.Configuration;

/// <summary>
/// Turns configuration into valid <see cref="CdcOptions"/> or a list of problems, each naming its full key, the
/// problem and the accepted values: unknown keys under <c>Vdr:Cdc</c> (<see cref="OptionsKeyChecker"/>), values
/// that do not convert to the property's type, then <see cref="CdcOptionsValidation"/>. Used by
/// <c>vdr-cdc run</c> and <c>vdr-cdc check-config</c> before anything connects.
/// </summary>
public static partial class CdcConfigurationLoader
{
    /// <summary>Binds and validates section <c>Vdr:Cdc</c> of <paramref name="configuration"/>.</summary>
    public static CdcConfigurationResult Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(CdcOptions.SectionName);
        var errors = OptionsKeyChecker.UnknownKeys(section, typeof(CdcOptions));
        var bindingErrors = 0;
        var options = Bind(configuration, errors, ref bindingErrors);
        if (errors.Count > 0)
        {
            return new CdcConfigurationResult(null, errors);
        }

        errors.AddRange(CdcOptionsValidation.Validate(options));
        return new CdcConfigurationResult(errors.Count == 0 ? options : null, errors);
    }

    /// <summary>
    /// Binds the section; a value that does not convert is reported and masked (set to null in an overlay) so that
    /// the next attempt finds the next one, and all conversion problems are reported at once.
    /// </summary>
    private static CdcOptions Bind(IConfiguration configuration, List<string> errors, ref int bindingErrors)
    {
        var masked = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var current = configuration;
        while (true)
        {
            var options = new CdcOptions();
            try
            {
                current.GetSection(CdcOptions.SectionName).Bind(options);
                return options;
            }
            catch (InvalidOperationException e) when (bindingErrors < 100)
            {
                bindingErrors++;
                errors.Add(DescribeBindingError(configuration, e));
                if (FailedConversion().Match(e.Message) is not { Success: true } match || !masked.TryAdd(match.Groups["key"].Value, null))
                {
                    return options;
                }

                current = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(masked).Build();
            }
        }
    }

    /// <summary>
    /// The binder's "Failed to convert configuration value at 'KEY' to type 'TYPE'" as
    /// <c>KEY: 'value' is not a TYPE; accepted: ...</c>.
    /// </summary>
    internal static string DescribeBindingError(IConfiguration configuration, InvalidOperationException error)
    {
        var match = FailedConversion().Match(error.Message);
        if (!match.Success)
        {
            return error.Message;
        }

        var key = match.Groups["key"].Value;
        var typeName = match.Groups["type"].Value;
        var type = Type.GetType(typeName) ?? FindType(typeName);
        var value = configuration[key];
        var shown = value is null ? string.Empty : $"'{value}' ";
        return $"{key}: {shown}is not a valid {Describe(type, typeName)}; accepted: {Accepted(type)}.";
    }

    private static Type? FindType(string name) =>
        typeof(CdcOptions).Assembly.GetType(name) ?? typeof(Vdr.RedisStream.Replication.RedisReplicaOptions).Assembly.GetType(name);

    private static string Describe(Type? type, string fallback) =>
        type is null ? fallback : type.IsEnum ? type.Name : type == typeof(TimeSpan) ? "time span" : type == typeof(bool) ? "boolean" : IsInteger(type) ? "integer" : type.Name;

    private static string Accepted(Type? type)
    {
        if (type is null)
        {
            return "a value of that type";
        }

        if (type.IsEnum)
        {
            return string.Join(", ", Enum.GetNames(type));
        }

        if (type == typeof(bool))
        {
            return "true, false";
        }

        if (type == typeof(TimeSpan))
        {
            return "[d.]hh:mm:ss[.fffffff], e.g. 00:00:05 for 5 seconds or 00:00:00.100 for 100 ms";
        }

        if (IsInteger(type))
        {
            var min = type.GetField("MinValue")!.GetValue(null);
            var max = type.GetField("MaxValue")!.GetValue(null);
            return string.Create(CultureInfo.InvariantCulture, $"a whole number from {min} to {max}");
        }

        return "a value of type " + type.Name;
    }

    private static bool IsInteger(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
        || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte);

    [GeneratedRegex(@"at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex FailedConversion();
}
