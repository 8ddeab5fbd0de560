using System.Collections;
using System.ComponentModel;
using System.Reflection;

namespace Vdr.Cdc.Tests.Chart;

/// <summary>
/// The configuration keys an options type tree can bind, found by reflection the way ConfigurationBinder walks
/// it: public readable properties (settable, or get-only complex objects and collections bound in place),
/// nested option classes, dictionaries (any key) and lists (any index). Keys compare case-insensitively, as in
/// Microsoft.Extensions.Configuration.
/// </summary>
internal sealed class OptionsTree
{
    private readonly Node _root = new(typeof(object), isLeaf: false);

    public void AddSection(string section, Type optionsType)
    {
        var node = _root;
        foreach (var segment in section.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!node.Children.TryGetValue(segment, out var child))
            {
                child = new Node(typeof(object), isLeaf: false);
                node.Children[segment] = child;
            }

            node = child;
        }

        Populate(node, optionsType, new HashSet<Type>());
    }

    /// <summary>
    /// Every leaf key, in declaration order; a dictionary's any-key segment is written <c>&lt;name&gt;</c> and a
    /// list's index <c>&lt;i&gt;</c> (e.g. <c>Vdr:Cdc:Kafka:Producer:&lt;name&gt;</c>, <c>Vdr:Cdc:Kafka:Routes:&lt;i&gt;:Topic</c>).
    /// </summary>
    public IEnumerable<string> LeafKeys() => LeafKeys(_root, string.Empty);

    private static IEnumerable<string> LeafKeys(Node node, string path)
    {
        if (node.IsLeaf)
        {
            yield return path;
            yield break;
        }

        foreach (var (name, child) in node.Children)
        {
            foreach (var key in LeafKeys(child, path.Length == 0 ? name : path + ":" + name))
            {
                yield return key;
            }
        }

        if (node.AnyKey is { } any)
        {
            foreach (var key in LeafKeys(any, path + (node.IndexOnly ? ":<i>" : ":<name>")))
            {
                yield return key;
            }
        }
    }

    /// <summary>Null when the key binds; otherwise why not, naming the first segment that does not exist.</summary>
    public string? Explain(string key) => Resolve(key, out _);

    /// <summary>
    /// Null when <paramref name="value"/> (a configuration string) binds to the key's property the way
    /// ConfigurationBinder converts it (the type's TypeConverter, invariant culture); otherwise why not.
    /// </summary>
    public string? ExplainValue(string key, string value)
    {
        if (Resolve(key, out var type) is { } problem)
        {
            return problem;
        }

        var target = Nullable.GetUnderlyingType(type!) ?? type!;
        try
        {
            _ = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return $"'{value}' is not a valid {Describe(target)}: {e.Message}";
        }
    }

    private string? Resolve(string key, out Type? leafType)
    {
        leafType = null;
        var node = _root;
        var segments = key.Split(':');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (node.IsLeaf)
            {
                return $"'{string.Join(':', segments[..i])}' is a {Describe(node.Type)} value and has no '{segment}'";
            }

            if (node.Children.TryGetValue(segment, out var child))
            {
                node = child;
            }
            else if (node.AnyKey is not null && (!node.IndexOnly || int.TryParse(segment, out _)))
            {
                node = node.AnyKey;
            }
            else
            {
                var known = string.Join(", ", node.Children.Keys.Order(StringComparer.Ordinal));
                return $"'{segment}' does not exist under '{string.Join(':', segments[..i])}' (known: {known})";
            }
        }

        if (node.IsLeaf)
        {
            leafType = node.Type;
            return null;
        }

        return node.AnyKey is { IsLeaf: true } ? null : $"'{key}' is an object ({Describe(node.Type)}), not a value";
    }

    private static void Populate(Node node, Type type, HashSet<Type> visiting)
    {
        if (!visiting.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var propertyType = property.PropertyType;
            var settable = property.SetMethod is { IsPublic: true };
            if (!settable && IsLeaf(propertyType))
            {
                continue; // read-only value: the binder cannot set it
            }

            node.Children[property.Name] = Build(propertyType, visiting);
        }

        visiting.Remove(type);
    }

    private static Node Build(Type type, HashSet<Type> visiting)
    {
        if (IsLeaf(type))
        {
            return new Node(type, isLeaf: true);
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new Node(type, isLeaf: false) { AnyKey = Build(valueType, visiting) };
        }

        if (ElementType(type) is { } elementType)
        {
            return new Node(type, isLeaf: false) { AnyKey = Build(elementType, visiting), IndexOnly = true };
        }

        var node = new Node(type, isLeaf: false);
        Populate(node, type, visiting);
        return node;
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
            || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
            || type == typeof(Guid) || type == typeof(Uri) || type == typeof(Version) || type == typeof(byte[])
            || (!typeof(IEnumerable).IsAssignableFrom(type) && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)));
    }

    private static Type? DictionaryValueType(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Append(type))
        {
            if (candidate.IsGenericType
                && (candidate.GetGenericTypeDefinition() == typeof(IDictionary<,>) || candidate.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
                && candidate.GetGenericArguments()[0] == typeof(string))
            {
                return candidate.GetGenericArguments()[1];
            }
        }

        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var candidate in type.GetInterfaces().Append(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type).Name;

    private sealed class Node(Type type, bool isLeaf)
    {
        public Type Type { get; } = type;

        public bool IsLeaf { get; } = isLeaf;

        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Dictionaries and lists: the node of any key (lists: any index).</summary>
        public Node? AnyKey { get; init; }

        public bool IndexOnly { get; init; }
    }
}
