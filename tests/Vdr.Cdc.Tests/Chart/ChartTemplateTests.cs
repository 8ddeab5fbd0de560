using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Vdr.Cdc.Tests.Chart;

/// <summary>Static checks of Chart.yaml and the templates (no helm binary: .ci/checks.sh renders them when it has one).</summary>
public sealed partial class ChartTemplateTests
{
    [Fact]
    public void ChartYaml_HasTheRequiredFields()
    {
        var chart = YamlJson.ToJsonObject(YamlJson.LoadMapping(RepositoryFiles.ReadChartFile("Chart.yaml")));

        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("vdr-cdc", (string?)chart["name"]);
        Assert.Equal("application", (string?)chart["type"]);
        Assert.Matches(SemVerPattern(), (string?)chart["version"] ?? "");
        Assert.False(string.IsNullOrWhiteSpace((string?)chart["appVersion"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)chart["description"]));
    }

    [Fact]
    public void ChartFiles_AllExpectedTemplatesExist()
    {
        string[] expected =
        [
            "_helpers.tpl", "deployment.yaml", "configmap.yaml", "serviceaccount.yaml", "service.yaml",
            "servicemonitor.yaml", "pdb.yaml", "NOTES.txt",
        ];

        foreach (var name in expected)
        {
            Assert.True(File.Exists(RepositoryFiles.InChart(Path.Combine("templates", name))), $"templates/{name} is missing");
        }
    }

    [Fact]
    public void Templates_ReferenceOnlyValuesThatExist()
    {
        var values = ChartValuesSchemaTests.DefaultValues();
        var unknown = new List<string>();

        foreach (var (file, path) in ValuesReferences())
        {
            if (!Exists(values, path))
            {
                unknown.Add($"{file}: .Values.{string.Join('.', path)}");
            }
        }

        Assert.True(unknown.Count == 0, "templates use values that values.yaml does not define: " + string.Join(", ", unknown));
    }

    [Fact]
    public void EveryValue_IsUsedByATemplate()
    {
        var used = ValuesReferences().Select(r => string.Join('.', r.Path)).ToHashSet();
        var unused = new List<string>();

        CollectUnused(ChartValuesSchemaTests.DefaultValues(), "", used, unused);

        Assert.True(unused.Count == 0, "values.yaml keys no template reads: " + string.Join(", ", unused));
    }

    [Fact]
    public void Templates_ActionsAndBlocksAreBalanced()
    {
        foreach (var file in TemplateFiles())
        {
            var text = File.ReadAllText(file);
            var opens = Regex.Count(text, @"\{\{");
            var closes = Regex.Count(text, @"\}\}");
            Assert.True(opens == closes, $"{Path.GetFileName(file)}: {opens} '{{{{' against {closes} '}}}}'");

            var blocks = BlockStart().Count(text);
            var ends = BlockEnd().Count(text);
            Assert.True(blocks == ends, $"{Path.GetFileName(file)}: {blocks} if/range/with/define against {ends} end");
        }
    }

    [Fact]
    public void Deployment_IsSingleRecreateAndHardened()
    {
        var deployment = RepositoryFiles.ReadChartFile("templates/deployment.yaml");

        string[] required =
        [
            "replicas: 1", "type: Recreate",
            "runAsNonRoot: true", "allowPrivilegeEscalation: false", "readOnlyRootFilesystem: true",
            "drop:\n                - ALL", "seccompProfile:\n          type: RuntimeDefault",
            "path: /healthz/live", "path: /healthz/ready", "port: management",
            "- run\n            - --config", "mountPath: /tmp", "name: spool",
        ];
        foreach (var text in required)
        {
            Assert.Contains(text, deployment, StringComparison.Ordinal);
        }

        Assert.Contains("replicaCount must be 1", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Deployment_SecretsAreReferencedNeverInlined()
    {
        var templates = string.Join('\n', TemplateFiles().Select(File.ReadAllText));

        Assert.DoesNotContain("kind: Secret", templates, StringComparison.Ordinal);
        Assert.Contains("name: {{ $s.redisPassword.existingSecret }}", templates, StringComparison.Ordinal);
        Assert.Contains("secretName: {{ $s.redisTls.existingSecret }}", templates, StringComparison.Ordinal);
        Assert.Contains("name: {{ $s.kafkaSasl.existingSecret }}", templates, StringComparison.Ordinal);
        Assert.Contains("secretName: {{ $s.kafkaTls.existingSecret }}", templates, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_MatchTheImage()
    {
        var values = ChartValuesSchemaTests.DefaultValues();
        var dockerfile = File.ReadAllText(RepositoryFiles.Dockerfile);

        Assert.Equal(1L, (long?)values["replicaCount"]);
        Assert.Equal(9464L, (long?)values["management"]!["port"]);
        Assert.Contains($"EXPOSE {(long?)values["management"]!["port"]}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"VOLUME [\"{(string?)values["spool"]!["mountPath"]}\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"VDR_CDC__REDIS__SPOOLDIRECTORY={(string?)values["spool"]!["mountPath"]}", dockerfile, StringComparison.Ordinal);
        Assert.Equal(1654L, (long?)values["podSecurityContext"]!["runAsUser"]);
        Assert.Contains("USER 1654", dockerfile, StringComparison.Ordinal);
    }

    internal static IEnumerable<string> TemplateFiles() =>
        Directory.EnumerateFiles(RepositoryFiles.InChart("templates")).Order(StringComparer.Ordinal);

    /// <summary>Every `.Values.a.b` path the templates read, including through `$x := .Values.a` variables.</summary>
    internal static IEnumerable<(string File, string[] Path)> ValuesReferences()
    {
        foreach (var file in TemplateFiles())
        {
            var text = File.ReadAllText(file);
            var name = Path.GetFileName(file);
            foreach (Match match in ValuesPath().Matches(text))
            {
                yield return (name, match.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries));
            }

            foreach (Match alias in ValuesAlias().Matches(text))
            {
                var prefix = alias.Groups[2].Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
                var use = new Regex(@"\$" + alias.Groups[1].Value + @"((?:\.[A-Za-z_][A-Za-z0-9_]*)+)");
                foreach (Match match in use.Matches(text))
                {
                    yield return (name, [.. prefix, .. match.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries)]);
                }
            }
        }
    }

    private static bool Exists(JsonObject values, string[] path)
    {
        JsonNode? current = values;
        foreach (var part in path)
        {
            if (current is not JsonObject obj || !obj.ContainsKey(part))
            {
                return false;
            }

            current = obj[part];
        }

        return true;
    }

    // A key counts as used when a template reads it or anything below it, or reads a parent as a whole
    // (toYaml of .Values.resources, toPrettyJson of .Values.config).
    private static void CollectUnused(JsonObject values, string path, HashSet<string> used, List<string> unused)
    {
        foreach (var (key, value) in values)
        {
            var keyPath = path.Length == 0 ? key : path + "." + key;
            if (used.Contains(keyPath))
            {
                continue;
            }

            if (value is JsonObject child && used.Any(u => u.StartsWith(keyPath + ".", StringComparison.Ordinal)))
            {
                CollectUnused(child, keyPath, used, unused);
            }
            else
            {
                unused.Add(keyPath);
            }
        }
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVerPattern();

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesPath();

    [GeneratedRegex(@"\$([A-Za-z_][A-Za-z0-9_]*)\s*:=\s*\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesAlias();

    [GeneratedRegex(@"\{\{-?\s*(if|range|with|define)\b")]
    private static partial Regex BlockStart();

    [GeneratedRegex(@"\{\{-?\s*end\s*-?\}\}")]
    private static partial Regex BlockEnd();
}
