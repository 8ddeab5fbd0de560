using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Vdr.Cdc.Tests.Chart;

/// <summary>
/// The chart and the application cannot drift apart: every configuration key the chart sets — in the
/// ConfigMap it renders from <c>config</c> (default and full example values) and in the VDR_CDC__*
/// environment variables of the Deployment — must bind to a property of the application's options types.
/// </summary>
public sealed partial class ChartConfigurationDriftTests
{
    // Environment variables VDR_CDC__A__B address the connector's section: <CdcOptions.SectionName>:A:B
    // (issue 5: VDR_CDC__REDIS__URL sets the Redis URL).
    private const string EnvironmentPrefix = "VDR_CDC__";

    [Fact]
    public void OptionsRoots_AreFoundByReflection()
    {
        var roots = OptionsRoots().ToList();

        Assert.Contains(roots, r => r.Type == typeof(CdcOptions) && r.Section == CdcOptions.SectionName);
    }

    [Fact]
    public void OptionsTree_KnowsRealKeysAndRejectsUnknownOnes()
    {
        var tree = BuildTree();

        Assert.Null(tree.Explain("Vdr:Cdc:Redis:Url"));
        Assert.Null(tree.Explain("vdr:cdc:kafka:bootstrapservers"));
        Assert.Null(tree.Explain("Vdr:Cdc:Kafka:Producer:compression.type"));
        Assert.Null(tree.Explain("Vdr:Cdc:Kafka:Routes:0:Topic"));
        Assert.NotNull(tree.Explain("Vdr:Cdc:Redis:NoSuchKey"));
        Assert.NotNull(tree.Explain("Vdr:Cdc:Kafka:Routes:first:Topic"));
        Assert.NotNull(tree.Explain("Vdr:Cdc:Redis:Url:Host"));
        Assert.NotNull(tree.Explain("Vdr:Cdc:Redis"));
        Assert.NotNull(tree.Explain("Redis:Url"));
        Assert.Null(tree.ExplainValue("Vdr:Cdc:Kafka:TopicCreation", "Disabled"));
        Assert.Null(tree.ExplainValue("Vdr:Cdc:Kafka:Batch:MaxDelay", "00:00:00.050"));
        Assert.NotNull(tree.ExplainValue("Vdr:Cdc:Kafka:TopicCreation", "Sometimes"));
        Assert.NotNull(tree.ExplainValue("Vdr:Cdc:Kafka:Partitions", "twelve"));
        Assert.NotNull(tree.ExplainValue("Vdr:Cdc:Kafka:Batch:MaxDelay", "50ms"));
    }

    [Fact]
    public void ConfigMapKeys_ExistInTheApplicationOptions()
    {
        var tree = BuildTree();
        var problems = new List<string>();
        foreach (var (source, file) in new[] { ("values.yaml", "values.yaml"), ("ci/full-values.yaml", "ci/full-values.yaml") })
        {
            var values = YamlJson.ToJsonObject(YamlJson.LoadMapping(RepositoryFiles.ReadChartFile(file)));
            if (values["config"] is not JsonObject config)
            {
                continue;
            }

            foreach (var (key, value) in Leaves(config, ""))
            {
                if (tree.ExplainValue(key, value) is { } problem)
                {
                    problems.Add($"{source} config {key}: {problem}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [InlineData("values.yaml")]
    [InlineData("ci/full-values.yaml")]
    public void ConfigMapJsonAndVariables_BindWithTheRealBinder_NoUnknownKeys(string valuesFile)
    {
        // What the pod reads: the ConfigMap's JSON (toPrettyJson of config) and the chart's variables (here with
        // placeholder values; a port number for ports), bound the way the host binds them, except that unknown keys are errors.
        var values = YamlJson.ToJsonObject(YamlJson.LoadMapping(RepositoryFiles.ReadChartFile(valuesFile)));
        var json = (values["config"] ?? new JsonObject()).ToJsonString();
        var variables = EnvironmentVariableNames().ToDictionary(EnvironmentKey, n => (string?)(n.EndsWith("__PORT", StringComparison.Ordinal) ? "9464" : "placeholder"));
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(variables)
            .Build();

        foreach (var (section, type) in OptionsRoots())
        {
            var bound = configuration.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true);
            Assert.True(bound is not null || !configuration.GetSection(section).Exists(), $"{section} did not bind");
        }

        var options = configuration.GetSection(CdcOptions.SectionName).Get<CdcOptions>()!;
        Assert.False(string.IsNullOrEmpty(options.Redis.Url));
        Assert.False(string.IsNullOrEmpty(options.Kafka.BootstrapServers));
    }

    [Fact]
    public void RealBinder_UnknownKey_IsAnError()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Vdr:Cdc:Redis:NoSuchKey"] = "x" })
            .Build();

        Assert.Throws<InvalidOperationException>(
            () => configuration.GetSection(CdcOptions.SectionName).Get<CdcOptions>(o => o.ErrorOnUnknownConfiguration = true));
    }

    [Fact]
    public void DefaultConfig_SetsTheRequiredConnectionKeys()
    {
        var keys = LeafKeys((JsonObject)ChartValuesSchemaTests.DefaultValues()["config"]!, "").ToList();

        Assert.Contains("Vdr:Cdc:Redis:Url", keys);
        Assert.Contains("Vdr:Cdc:Kafka:BootstrapServers", keys);
    }

    [Fact]
    public void EnvironmentVariableNames_ExpandRangesOverLists()
    {
        var names = EnvironmentVariableNames().ToList();

        Assert.Contains("VDR_CDC__REDIS__PASSWORD", names);
        Assert.Contains("VDR_CDC__REDIS__SPOOLDIRECTORY", names);
        Assert.Contains("VDR_CDC__REDIS__TLSCAFILE", names);
        Assert.Contains("VDR_CDC__KAFKA__PRODUCER__sasl.password", names);
        Assert.Contains("VDR_CDC__KAFKA__CONSUMER__ssl.ca.location", names);
        Assert.DoesNotContain(names, n => n.Contains('{', StringComparison.Ordinal));
    }

    [Fact]
    public void EnvironmentVariableKeys_ExistInTheApplicationOptions()
    {
        var tree = BuildTree();
        var names = EnvironmentVariableNames().ToList();
        Assert.NotEmpty(names);

        var problems = names
            .Select(n => (Name: n, Problem: tree.Explain(EnvironmentKey(n))))
            .Where(p => p.Problem is not null)
            .Select(p => $"{p.Name} ({EnvironmentKey(p.Name)}): {p.Problem}")
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>Every public type of the application's assemblies with a <c>const string SectionName</c>.</summary>
    internal static IEnumerable<(string Section, Type Type)> OptionsRoots()
    {
        Assembly[] assemblies = [typeof(CdcOptions).Assembly, typeof(Host.Program).Assembly];
        foreach (var type in assemblies.SelectMany(a => a.GetExportedTypes()))
        {
            var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static);
            if (field is { IsLiteral: true } && field.FieldType == typeof(string))
            {
                yield return ((string)field.GetRawConstantValue()!, type);
            }
        }
    }

    private static OptionsTree BuildTree()
    {
        var tree = new OptionsTree();
        foreach (var (section, type) in OptionsRoots())
        {
            tree.AddSection(section, type);
        }

        return tree;
    }

    private static IEnumerable<string> LeafKeys(JsonNode? node, string path) => Leaves(node, path).Select(l => l.Key);

    /// <summary>Leaf keys with their values as configuration strings (what the JSON provider hands the binder).</summary>
    private static IEnumerable<(string Key, string Value)> Leaves(JsonNode? node, string path) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Leaves(p.Value, Join(path, p.Key))),
        JsonArray array => array.SelectMany((item, i) => Leaves(item, Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        JsonValue value when value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => [(path, value.GetValueKind() is System.Text.Json.JsonValueKind.True ? "True" : "False")],
        JsonValue value when value.GetValueKind() is System.Text.Json.JsonValueKind.String => [(path, value.GetValue<string>())],
        null => [(path, "")],
        _ => [(path, node.ToJsonString())],
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : path + ":" + key;

    /// <summary>
    /// The VDR_CDC__* variable names in the templates and the Dockerfile; a name built inside <c>range $x := list "A" "B"</c> with
    /// <c>{{ $x }}</c> yields one name per list item.
    /// </summary>
    internal static IEnumerable<string> EnvironmentVariableNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in ChartTemplateTests.TemplateFiles())
        {
            var text = File.ReadAllText(file);
            var lists = RangeOverList().Matches(text).ToDictionary(
                m => m.Groups[1].Value,
                m => QuotedItem().Matches(m.Groups[2].Value).Select(q => q.Groups[1].Value).ToArray());
            foreach (Match match in EnvironmentVariableName().Matches(text))
            {
                var expanded = new List<string> { match.Groups[1].Value };
                foreach (Match variable in TemplateVariable().Matches(match.Groups[1].Value))
                {
                    Assert.True(lists.TryGetValue(variable.Groups[1].Value, out var items), $"{Path.GetFileName(file)}: cannot expand {variable.Value}");
                    expanded = [.. expanded.SelectMany(n => items!.Select(i => n.Replace(variable.Value, i, StringComparison.Ordinal)))];
                }

                names.UnionWith(expanded);
            }
        }

        // The image's own defaults (ENV in the Dockerfile) are keys too.
        names.UnionWith(DockerfileVariable().Matches(File.ReadAllText(RepositoryFiles.Dockerfile)).Select(m => m.Groups[1].Value));
        return names;
    }

    private static string EnvironmentKey(string name) =>
        CdcOptions.SectionName + ":" + name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);

    [GeneratedRegex(@"-\s+name:\s+(VDR_CDC__(?:[A-Za-z0-9_.]|\{\{ \$[A-Za-z_][A-Za-z0-9_]* \}\})+)")]
    private static partial Regex EnvironmentVariableName();

    [GeneratedRegex(@"\s(VDR_CDC__[A-Za-z0-9_.]+)=")]
    private static partial Regex DockerfileVariable();

    [GeneratedRegex(@"\{\{ \$([A-Za-z_][A-Za-z0-9_]*) \}\}")]
    private static partial Regex TemplateVariable();

    [GeneratedRegex(@"range \$([A-Za-z_][A-Za-z0-9_]*) := list ((?:""[^""]*""\s*)+)")]
    private static partial Regex RangeOverList();

    [GeneratedRegex(@"""([^""]*)""")]
    private static partial Regex QuotedItem();
}
