using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Vdr.Cdc.Configuration;

/// <summary>
/// Finds configuration keys that bind to nothing (a typo such as <c>Vdr:Cdc:Kafka:BootstrapServer</c> would
/// otherwise be ignored silently): walks the configuration the way the binder walks the options types — public
/// settable properties, nested classes, dictionaries (any key), lists (numeric indexes) — case-insensitively.
/// </summary>
public static class OptionsKeyChecker
{
    /// <summary>One message per unknown key: the key, and the keys accepted at that level.</summary>
    public static List<string> UnknownKeys(IConfigurationSection section, Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(optionsType);
        var errors = new List<string>();
        Walk(section, optionsType, errors);
        return errors;
    }

    private static void Walk(IConfigurationSection section, Type type, List<string> errors)
    {
        if (IsLeaf(type))
        {
            foreach (var child in section.GetChildren())
            {
                errors.Add($"{child.Path}: unknown key: {section.Path} is a {Describe(type)} value, not a section.");
            }

            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in section.GetChildren())
            {
                Walk(child, valueType, errors);
            }

            return;
        }

        if (ElementType(type) is { } elementType)
        {
            foreach (var child in section.GetChildren())
            {
                if (!int.TryParse(child.Key, out _))
                {
                    errors.Add($"{child.Path}: unknown key: {section.Path} is a list; accepted: indexes 0, 1, 2, ...");
                    continue;
                }

                Walk(child, elementType, errors);
            }

            return;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod is { IsPublic: true } || !IsLeaf(p.PropertyType)))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                Walk(child, property.PropertyType, errors);
            }
            else
            {
                var known = string.Join(", ", properties.Keys.Order(StringComparer.Ordinal));
                errors.Add($"{child.Path}: unknown key; accepted under {section.Path}: {known}.");
            }
        }
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri)
            || (!typeof(IEnumerable).IsAssignableFrom(type) && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)));
    }

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>) && i.GetGenericArguments()[0] == typeof(string))
            ?.GetGenericArguments()[1];

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type).Name;
}
