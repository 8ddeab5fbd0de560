using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace Vdr.Cdc.Tests.Chart;

/// <summary>values.yaml against values.schema.json, as `helm install` checks them (no helm binary needed).</summary>
public sealed class ChartValuesSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(RepositoryFiles.ReadChartFile("values.schema.json")));

    [Fact]
    public void Schema_DeclaresDraft07AndClosesTheTopLevel()
    {
        var schema = JsonNode.Parse(RepositoryFiles.ReadChartFile("values.schema.json"))!.AsObject();

        Assert.Equal("http://json-schema.org/draft-07/schema#", (string?)schema["$schema"]);
        Assert.False((bool?)schema["additionalProperties"]);
    }

    [Fact]
    public void DefaultValues_Validate_Pass() => AssertValid(DefaultValues());

    [Fact]
    public void CiFullValues_MergedOverDefaults_Validate_Pass()
    {
        var values = DefaultValues();
        MergeInto(values, YamlJson.ToJsonObject(YamlJson.LoadMapping(RepositoryFiles.ReadChartFile("ci/full-values.yaml"))));

        AssertValid(values);
    }

    [Theory]
    [InlineData("replicaCount", "2")]
    [InlineData("replicaCount", "0")]
    [InlineData("management.port", "0")]
    [InlineData("management.port", "65536")]
    [InlineData("management.port", "\"9464\"")]
    [InlineData("service.port", "70000")]
    [InlineData("service.type", "\"ExternalName\"")]
    [InlineData("image.pullPolicy", "\"Sometimes\"")]
    [InlineData("image.repository", "\"\"")]
    [InlineData("podSecurityContext.runAsUser", "0")]
    [InlineData("spool.mountPath", "\"relative/spool\"")]
    [InlineData("spool.medium", "\"Tmpfs\"")]
    [InlineData("spool.sizeLimit", "\"2 gigabytes\"")]
    [InlineData("secrets.redisPassword.existingSecret", "\"Not_A_Name\"")]
    [InlineData("secrets.kafkaSasl.passwordKey", "\"\"")]
    [InlineData("metrics.serviceMonitor.interval", "\"soon\"")]
    [InlineData("probes.liveness.periodSeconds", "0")]
    [InlineData("resources.requests.memory", "\"lots\"")]
    [InlineData("config", "\"not an object\"")]
    [InlineData("unknownTopLevelKey", "true")]
    [InlineData("image.registry", "\"docker.io\"")]
    [InlineData("secrets.redisPassword.password", "\"inline secrets are not accepted\"")]
    public void BadValue_Validate_Rejected(string path, string jsonValue)
    {
        var values = DefaultValues();
        Set(values, path, JsonNode.Parse(jsonValue));

        var result = Evaluate(values);

        Assert.False(result.IsValid, $"values.schema.json accepted {path} = {jsonValue}");
    }

    [Fact]
    public void MissingRequiredSection_Validate_Rejected()
    {
        var values = DefaultValues();
        values.Remove("management");

        Assert.False(Evaluate(values).IsValid);
    }

    [Fact]
    public void EveryValue_IsDescribedInSchemaAndDocumentedInValuesYaml()
    {
        var yaml = RepositoryFiles.ReadChartFile("values.yaml");
        var lines = yaml.Split('\n');
        var schema = JsonNode.Parse(RepositoryFiles.ReadChartFile("values.schema.json"))!.AsObject();
        var problems = new List<string>();

        CheckDocumented(YamlJson.LoadMapping(yaml), schema, "", lines, problems);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void EverySchemaProperty_HasADefaultInValuesYaml()
    {
        var schema = JsonNode.Parse(RepositoryFiles.ReadChartFile("values.schema.json"))!.AsObject();
        var values = DefaultValues();
        var missing = new List<string>();

        CheckDefaults(schema, values, "", missing);

        Assert.True(missing.Count == 0, "schema properties without a value in values.yaml: " + string.Join(", ", missing));
    }

    internal static JsonObject DefaultValues() => YamlJson.ToJsonObject(YamlJson.LoadMapping(RepositoryFiles.ReadChartFile("values.yaml")));

    private static EvaluationResults Evaluate(JsonObject values)
    {
        using var document = JsonDocument.Parse(values.ToJsonString());
        return Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static void AssertValid(JsonObject values)
    {
        var result = Evaluate(values);
        var errors = Flatten(result)
            .Where(r => r.Errors is { Count: > 0 })
            .SelectMany(r => r.Errors!.Select(e => $"{r.InstanceLocation}: {e.Key}: {e.Value}"));
        Assert.True(result.IsValid, "values rejected by values.schema.json:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    private static IEnumerable<EvaluationResults> Flatten(EvaluationResults result) =>
        new[] { result }.Concat((result.Details ?? []).SelectMany(Flatten));

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var current = root;
        foreach (var part in parts[..^1])
        {
            current = current[part] as JsonObject ?? throw new InvalidOperationException($"no object at {part} of {path}");
        }

        current[parts[^1]] = value;
    }

    private static void MergeInto(JsonObject target, JsonObject overrides)
    {
        foreach (var (key, value) in overrides.ToList())
        {
            if (value is JsonObject overrideObject && target[key] is JsonObject targetObject)
            {
                MergeInto(targetObject, overrideObject);
            }
            else
            {
                overrides.Remove(key);
                target[key] = value;
            }
        }
    }

    // Every key of values.yaml is a schema property, and every leaf (a value on the key's own line) has a
    // comment right above it. The free-form parts (config, resources, example lists) are not walked into.
    private static void CheckDocumented(YamlMappingNode mapping, JsonObject schema, string path, string[] lines, List<string> problems)
    {
        var properties = schema["properties"] as JsonObject;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var keyPath = path.Length == 0 ? key : path + "." + key;
            if (properties?[key] is not JsonObject propertySchema)
            {
                problems.Add($"{keyPath}: not described in values.schema.json");
                continue;
            }

            if (propertySchema["description"] is null && propertySchema["$ref"] is null)
            {
                problems.Add($"{keyPath}: no description in values.schema.json");
            }

            var isLeaf = valueNode is YamlScalarNode || valueNode.Start.Line == keyNode.Start.Line;
            var lineAbove = keyNode.Start.Line >= 2 ? lines[(int)keyNode.Start.Line - 2].Trim() : "";
            if (isLeaf && !lineAbove.StartsWith('#'))
            {
                problems.Add($"{keyPath}: no comment above it in values.yaml (line {keyNode.Start.Line})");
            }

            if (valueNode is YamlMappingNode child && propertySchema["properties"] is not null && key is not ("config" or "resources"))
            {
                CheckDocumented(child, propertySchema, keyPath, lines, problems);
            }
        }
    }

    private static void CheckDefaults(JsonObject schema, JsonObject values, string path, List<string> missing)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        foreach (var (key, propertySchema) in properties)
        {
            var keyPath = path.Length == 0 ? key : path + "." + key;
            if (!values.ContainsKey(key))
            {
                missing.Add(keyPath);
            }
            else if (values[key] is JsonObject child && propertySchema is JsonObject childSchema && key != "resources")
            {
                CheckDefaults(childSchema, child, keyPath, missing);
            }
        }
    }
}
