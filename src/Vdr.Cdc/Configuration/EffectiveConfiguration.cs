using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;

namespace Vdr.Cdc.Configuration;

/// <summary>
/// The effective options as <c>key = value</c> lines (what <c>vdr-cdc check-config</c> prints), with secrets
/// masked as <c>***</c>: password and user-info properties, pass-through settings whose name says password,
/// secret, credentials or key material (<c>sasl.password</c>, <c>ssl.key.pem</c>, <c>sasl.jaas.config</c>, ...), and
/// the password part of URLs. File paths are shown; the files' contents never are.
/// </summary>
public static class EffectiveConfiguration
{
    public const string Mask = "***";

    private static readonly string[] SecretPropertyWords = ["password", "userinfo", "secret"];

    private static readonly string[] SecretSettingWords = ["password", "secret", "jaas", "credential", "token", ".pem", "key.pem", "sasl.oauthbearer.config", "basic.auth.user.info"];

    /// <summary>Every leaf of <paramref name="options"/> under <c>Vdr:Cdc</c>, in declaration order.</summary>
    public static IReadOnlyList<string> Describe(CdcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var lines = new List<string>();
        Walk(CdcOptions.SectionName, options, secretValues: false, lines);
        return lines;
    }

    /// <summary>True when a librdkafka setting name holds a secret.</summary>
    public static bool IsSecretSetting(string name) =>
        SecretSettingWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static void Walk(string path, object? value, bool secretValues, List<string> lines)
    {
        switch (value)
        {
            case null:
                lines.Add($"{path} = (unset)");
                return;
            case string or TimeSpan or Enum or bool or IFormattable when value is not IEnumerable || value is string:
                lines.Add($"{path} = {Format(path, value, secretValues)}");
                return;
            case IDictionary dictionary:
                if (dictionary.Count == 0)
                {
                    lines.Add($"{path} = (empty)");
                }

                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = (string)entry.Key;
                    var secret = secretValues || (IsSettingsDictionary(path) && IsSecretSetting(key));
                    Walk(path + ":" + key, entry.Value, secret, lines);
                }

                return;
            case IList list:
                if (list.Count == 0)
                {
                    lines.Add($"{path} = (empty)");
                }

                for (var i = 0; i < list.Count; i++)
                {
                    Walk(path + ":" + i.ToString(CultureInfo.InvariantCulture), list[i], secretValues, lines);
                }

                return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || (property.SetMethod is not { IsPublic: true } && IsLeaf(property.PropertyType)))
            {
                continue;
            }

            var secret = secretValues || (property.PropertyType == typeof(string) && !property.Name.EndsWith("File", StringComparison.Ordinal)
                && SecretPropertyWords.Any(w => property.Name.Contains(w, StringComparison.OrdinalIgnoreCase)));
            Walk(path + ":" + property.Name, property.GetValue(value), secret, lines);
        }
    }

    private static bool IsSettingsDictionary(string path) =>
        path.EndsWith(":Producer", StringComparison.Ordinal) || path.EndsWith(":Consumer", StringComparison.Ordinal);

    private static string Format(string path, object value, bool secret)
    {
        if (secret)
        {
            return value is string { Length: 0 } ? string.Empty : Mask;
        }

        var text = value switch
        {
            TimeSpan t => FormatTimeSpan(t),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => value.ToString() ?? string.Empty,
        };
        return path.EndsWith("Url", StringComparison.Ordinal) ? RedactUrl(text) : text;
    }

    /// <summary>The constant ("c") format without trailing zeros of the fraction: <c>00:00:00.1</c>.</summary>
    public static string FormatTimeSpan(TimeSpan value)
    {
        var text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.LastIndexOf(':') < text.LastIndexOf('.') ? text.TrimEnd('0') : text;
    }

    /// <summary><c>scheme://user:password@host</c> → <c>scheme://user:***@host</c> (also for comma-separated lists).</summary>
    public static string RedactUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return string.Join(',', url.Split(',').Select(RedactOne));

        static string RedactOne(string one)
        {
            var scheme = one.IndexOf("://", StringComparison.Ordinal);
            var at = one.LastIndexOf('@');
            if (scheme < 0 || at < scheme)
            {
                return one;
            }

            var userInfo = one[(scheme + 3)..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = colon < 0 ? string.Empty : userInfo[..colon];
            return one[..(scheme + 3)] + user + ":" + Mask + one[at..];
        }
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan)
            || (!typeof(IEnumerable).IsAssignableFrom(type) && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)));
    }
}
