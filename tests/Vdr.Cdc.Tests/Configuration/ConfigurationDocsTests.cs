using System.Text.RegularExpressions;
using Vdr.Cdc.Tests.Chart;

namespace Vdr.Cdc.Tests.Configuration;

/// <summary>docs/configuration.md and the options cannot drift: every key is documented, every documented key exists.</summary>
public sealed partial class ConfigurationDocsTests
{
    [Fact]
    public void Docs_DocumentEveryOptionsKey()
    {
        var documented = DocumentedKeys().ToHashSet(StringComparer.OrdinalIgnoreCase);

        var missing = Tree().LeafKeys().Where(k => !documented.Contains(k)).ToList();

        Assert.True(missing.Count == 0, "not in docs/configuration.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Docs_NameOnlyKeysThatExist()
    {
        var tree = Tree();

        var unknown = DocumentedKeys()
            .Select(k => (Key: k, Problem: tree.Explain(k.Replace("<i>", "0", StringComparison.Ordinal).Replace("<name>", "x", StringComparison.Ordinal))))
            .Where(p => p.Problem is not null)
            .Select(p => $"{p.Key}: {p.Problem}")
            .ToList();

        Assert.True(unknown.Count == 0, string.Join(Environment.NewLine, unknown));
    }

    [Fact]
    public void Docs_EnvironmentVariableColumn_MatchesTheKey()
    {
        var problems = new List<string>();
        foreach (Match row in TableRow().Matches(Docs()))
        {
            var key = row.Groups["key"].Value;
            var expected = "VDR_CDC__" + key["Vdr:Cdc:".Length..].Replace(":", "__", StringComparison.Ordinal);
            var actual = row.Groups["env"].Value;
            var pattern = "^" + Regex.Escape(expected).Replace("<i>", "[0-9]+", StringComparison.Ordinal).Replace("<name>", "[A-Za-z0-9._]+", StringComparison.Ordinal) + "$";
            if (!Regex.IsMatch(actual, pattern, RegexOptions.IgnoreCase))
            {
                problems.Add($"{key}: {actual} (expected {expected})");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void LeafKeys_IncludePlaceholdersForDictionariesAndLists()
    {
        var keys = Tree().LeafKeys().ToList();

        Assert.Contains("Vdr:Cdc:Kafka:Producer:<name>", keys);
        Assert.Contains("Vdr:Cdc:Kafka:Routes:<i>:Topic", keys);
        Assert.Contains("Vdr:Cdc:Redis:Url", keys);
    }

    private static OptionsTree Tree()
    {
        var tree = new OptionsTree();
        foreach (var (section, type) in ChartConfigurationDriftTests.OptionsRoots())
        {
            tree.AddSection(section, type);
        }

        return tree;
    }

    private static string Docs() => File.ReadAllText(Path.Combine(RepositoryFiles.RepositoryRoot, "docs", "configuration.md"));

    private static List<string> DocumentedKeys()
    {
        var keys = TableRow().Matches(Docs()).Select(m => m.Groups["key"].Value).ToList();
        Assert.NotEmpty(keys);
        return keys;
    }

    // | `Vdr:Cdc:Key` | type | default | `VDR_CDC__KEY` | meaning |
    [GeneratedRegex(@"^\| `(?<key>Vdr:Cdc:[^`]+)` \|[^|]*\|[^|]*\| `(?<env>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
