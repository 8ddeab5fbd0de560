using System.Collections;
using Vdr.Cdc.Configuration;
using Vdr.Cdc.Host.Configuration;

namespace Vdr.Cdc.Tests.Configuration;

/// <summary>Sources in order: appsettings.json (executable's folder, then working directory) &lt; --config &lt; environment &lt; flags.</summary>
public sealed class ConfigurationPrecedenceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vdr-cdc-precedence").FullName;

    [Fact]
    public void Build_EachLayerOverridesTheOnesBelow()
    {
        var exeDir = Dir("exe");
        var workDir = Dir("work");
        Write(exeDir, "appsettings.json", Json(("Name", "exe"), ("TopicPrefix", "exe"), ("MaxEvents", "1"), ("Partitions", "1"), ("Url", "redis://exe:1")));
        Write(workDir, "appsettings.json", Json(("TopicPrefix", "work"), ("MaxEvents", "2"), ("Partitions", "2"), ("Url", "redis://work:1")));
        var config = Write(_root, "config.json", Json(("MaxEvents", "3"), ("Partitions", "3"), ("Url", "redis://config:1")));
        var environment = new Hashtable
        {
            ["VDR_CDC__KAFKA__PARTITIONS"] = "4",
            ["VDR_CDC__REDIS__URL"] = "redis://env:1",
            ["UNRELATED__KAFKA__PARTITIONS"] = "99",
        };
        var flags = new Dictionary<string, string?> { ["Vdr:Cdc:Redis:Url"] = "redis://flag:1", ["Vdr:Cdc:Kafka:BootstrapServers"] = "k:9092" };

        var configuration = CdcHostConfiguration.Build(new CdcConfigurationInput
        {
            AppSettingsDirectories = [exeDir, workDir],
            ConfigFile = config,
            Environment = environment,
            Flags = flags,
        });
        var result = CdcConfigurationLoader.Load(configuration);

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        var options = result.Options!;
        Assert.Equal("exe", options.Name); // only in the executable's appsettings.json
        Assert.Equal("work", options.Kafka.TopicPrefix); // working directory over executable's folder
        Assert.Equal(3, options.Kafka.Batch.MaxEvents); // --config over appsettings
        Assert.Equal(4, options.Kafka.Partitions); // environment over --config
        Assert.Equal("redis://flag:1", options.Redis.Url); // flags over everything
    }

    [Fact]
    public void EnvironmentKeys_DoubleUnderscoreSeparatesSegments_PassThroughNamesKeepTheirCase()
    {
        var keys = CdcHostConfiguration.EnvironmentKeys(new Hashtable
        {
            ["VDR_CDC__REDIS__URL"] = "redis://h:1",
            ["VDR_CDC__KAFKA__PRODUCER__sasl.mechanism"] = "PLAIN",
            ["Logging__LogLevel__Default"] = "Debug",
            ["PATH"] = "/bin",
        });

        Assert.Equal("redis://h:1", keys["Vdr:Cdc:REDIS:URL"]);
        Assert.Equal("PLAIN", keys["Vdr:Cdc:KAFKA:PRODUCER:sasl.mechanism"]);
        Assert.Equal("Debug", keys["Logging:LogLevel:Default"]);
        Assert.Equal(3, keys.Count);
    }

    [Fact]
    public void Build_EnvironmentPassThroughSetting_BindsIntoProducer()
    {
        var configuration = CdcHostConfiguration.Build(new CdcConfigurationInput
        {
            AppSettingsDirectories = [],
            Environment = new Hashtable { ["VDR_CDC__KAFKA__PRODUCER__compression.type"] = "zstd", ["VDR_CDC__REDIS__URL"] = "redis://h:1", ["VDR_CDC__KAFKA__BOOTSTRAPSERVERS"] = "k:1" },
        });

        var options = CdcConfigurationLoader.Load(configuration).Options!;

        Assert.Equal("zstd", options.Kafka.Producer["compression.type"]);
    }

    [Fact]
    public void Build_MissingConfigFile_ConfigurationError()
    {
        var e = Assert.Throws<CdcConfigurationException>(() => CdcHostConfiguration.Build(new CdcConfigurationInput { AppSettingsDirectories = [], ConfigFile = "/no/such.json", Environment = new Hashtable() }));

        Assert.Equal("--config /no/such.json: no such file.", e.Message);
    }

    [Fact]
    public void Build_ConfigFileNotJson_ConfigurationErrorNamingTheFile()
    {
        var file = Write(_root, "broken.json", "{ \"Vdr\": ");

        var e = Assert.Throws<CdcConfigurationException>(() => CdcHostConfiguration.Build(new CdcConfigurationInput { AppSettingsDirectories = [], ConfigFile = file, Environment = new Hashtable() }));

        Assert.Contains("broken.json", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A JSON file setting some well-known keys (short names for brevity).</summary>
    private static string Json(params (string Key, string Value)[] settings)
    {
        var map = settings.ToDictionary(s => s.Key, s => s.Value);
        var redis = map.TryGetValue("Url", out var url) ? $"\"Redis\":{{\"Url\":\"{url}\"}}," : string.Empty;
        var kafka = new List<string>();
        if (map.TryGetValue("TopicPrefix", out var prefix))
        {
            kafka.Add($"\"TopicPrefix\":\"{prefix}\"");
        }

        if (map.TryGetValue("Partitions", out var partitions))
        {
            kafka.Add($"\"Partitions\":{partitions}");
        }

        if (map.TryGetValue("MaxEvents", out var maxEvents))
        {
            kafka.Add($"\"Batch\":{{\"MaxEvents\":{maxEvents}}}");
        }

        var name = map.TryGetValue("Name", out var n) ? $"\"Name\":\"{n}\"," : string.Empty;
        return $"{{\"Vdr\":{{\"Cdc\":{{{name}{redis}\"Kafka\":{{{string.Join(',', kafka)}}}}}}}}}";
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static string Write(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
