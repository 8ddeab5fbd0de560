using Vdr.Cdc.Configuration;
using static Vdr.Cdc.Tests.Configuration.ConfigurationTestData;

namespace Vdr.Cdc.Tests.Configuration;

/// <summary>Every validation rule gives its documented message: the full key, the problem, the accepted values.</summary>
public sealed class CdcOptionsValidationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vdr-cdc-config").FullName;

    [Fact]
    public void Load_MinimalConfiguration_IsValidWithDefaults()
    {
        var result = Load();

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        Assert.Equal("vdr-cdc", result.Options!.Name);
        Assert.Equal(50_000, result.Options.Kafka.Batch.MaxEvents);
        Assert.Equal(64L << 20, result.Options.Kafka.Batch.MaxBytes);
        Assert.Equal((1_000_000, 256L << 20, TimeSpan.FromSeconds(5)), (result.Options.Kafka.Batch.SnapshotMaxEvents, result.Options.Kafka.Batch.SnapshotMaxBytes, result.Options.Kafka.Batch.SnapshotMaxDelay));
        Assert.Equal(LogFormat.Text, result.Options.Logging.Format);
    }

    // Attribute rules (source-generated validator).
    [Theory]
    [InlineData("Vdr:Cdc:Name", "", "Vdr:Cdc:Name: is required: a stable connector name (its Kafka transactional.id)")]
    [InlineData("Vdr:Cdc:Name", "@long", "Vdr:Cdc:Name: must be at most 200 characters")]
    [InlineData("Vdr:Cdc:Redis:Url", "", "Vdr:Cdc:Redis:Url: is required: the source Redis, e.g. redis://host:6379 (rediss:// for TLS)")]
    [InlineData("Vdr:Cdc:Redis:ConnectTimeout", "00:00:00", "Vdr:Cdc:Redis:ConnectTimeout: must be between 00:00:00.1 and 00:10:00")]
    [InlineData("Vdr:Cdc:Redis:AckInterval", "00:05:00", "Vdr:Cdc:Redis:AckInterval: must be between 00:00:00.01 and 00:01:00")]
    [InlineData("Vdr:Cdc:Redis:ReconnectInitialDelay", "00:00:00", "Vdr:Cdc:Redis:ReconnectInitialDelay: must be between 00:00:00.01 and 01:00:00")]
    [InlineData("Vdr:Cdc:Redis:ReconnectMaxDelay", "02:00:00", "Vdr:Cdc:Redis:ReconnectMaxDelay: must be between 00:00:00.01 and 01:00:00")]
    [InlineData("Vdr:Cdc:Redis:SpoolMemoryBytes", "1000", "Vdr:Cdc:Redis:SpoolMemoryBytes: must be between 65536 and 68719476736")]
    [InlineData("Vdr:Cdc:Redis:SpoolMaxBytes", "-1", "Vdr:Cdc:Redis:SpoolMaxBytes: must be between 0 and 1099511627776")]
    [InlineData("Vdr:Cdc:Kafka:BootstrapServers", "", "Vdr:Cdc:Kafka:BootstrapServers: is required: host:port[,host:port...]")]
    [InlineData("Vdr:Cdc:Kafka:TopicPrefix", "", "Vdr:Cdc:Kafka:TopicPrefix: is required")]
    [InlineData("Vdr:Cdc:Kafka:TopicPrefix", "my topics", "Vdr:Cdc:Kafka:TopicPrefix: must be 1 to 200 of the characters Kafka allows in topic names: A-Z a-z 0-9 . _ -")]
    [InlineData("Vdr:Cdc:Kafka:Partitions", "0", "Vdr:Cdc:Kafka:Partitions: must be between 1 and 100000")]
    [InlineData("Vdr:Cdc:Kafka:ReplicationFactor", "-2", "Vdr:Cdc:Kafka:ReplicationFactor: must be between -1 and 32767")]
    [InlineData("Vdr:Cdc:Kafka:TransactionTimeout", "01:00:00", "Vdr:Cdc:Kafka:TransactionTimeout: must be between 00:00:01 and 00:15:00")]
    [InlineData("Vdr:Cdc:Kafka:OperationTimeout", "00:00:00.5", "Vdr:Cdc:Kafka:OperationTimeout: must be between 00:00:01 and 00:10:00")]
    [InlineData("Vdr:Cdc:Kafka:Batch:MaxEvents", "0", "Vdr:Cdc:Kafka:Batch:MaxEvents: must be between 1 and 10000000")]
    [InlineData("Vdr:Cdc:Kafka:Batch:MaxBytes", "100", "Vdr:Cdc:Kafka:Batch:MaxBytes: must be between 1024 and 1099511627776")]
    [InlineData("Vdr:Cdc:Kafka:Batch:MaxDelay", "00:00:00", "Vdr:Cdc:Kafka:Batch:MaxDelay: must be between 00:00:00.001 and 00:07:30")]
    [InlineData("Vdr:Cdc:Kafka:Batch:SnapshotMaxEvents", "0", "Vdr:Cdc:Kafka:Batch:SnapshotMaxEvents: must be between 1 and 100000000")]
    [InlineData("Vdr:Cdc:Kafka:Batch:SnapshotMaxBytes", "1023", "Vdr:Cdc:Kafka:Batch:SnapshotMaxBytes: must be between 1024 and 1099511627776")]
    [InlineData("Vdr:Cdc:Kafka:Routes:0:Topic", "", "Vdr:Cdc:Kafka:Routes:0:Topic: is required")]
    [InlineData("Vdr:Cdc:Kafka:Routes:0:Topic", "a/b", "Vdr:Cdc:Kafka:Routes:0:Topic: must be 1 to 249 of the characters Kafka allows in topic names: A-Z a-z 0-9 . _ -")]
    [InlineData("Vdr:Cdc:Kafka:Routes:0:Db", "-1", "Vdr:Cdc:Kafka:Routes:0:Db: must be between 0 and 10000")]
    [InlineData("Vdr:Cdc:SchemaRegistry:RequestTimeout", "00:00:00", "Vdr:Cdc:SchemaRegistry:RequestTimeout: must be between 00:00:00.1 and 00:10:00")]
    public void Load_AttributeRule_MessageNamesTheKey(string key, string value, string expected)
    {
        if (value == "@long")
        {
            value = new string('n', 201);
        }

        var settings = new List<(string, string?)> { (key, value) };
        if (key.StartsWith("Vdr:Cdc:Kafka:Routes:0:", StringComparison.Ordinal) && !key.EndsWith(":Topic", StringComparison.Ordinal))
        {
            settings.Add(("Vdr:Cdc:Kafka:Routes:0:Topic", "t"));
        }

        var result = Load([.. settings]);

        Assert.False(result.IsValid);
        Assert.True(result.Errors.Contains(expected), string.Join(Environment.NewLine, result.Errors));
    }

    // Cross-field rules.
    [Theory]
    [InlineData("Vdr:Cdc:Redis:Url", "http://h:1", "Vdr:Cdc:Redis:Url: Unsupported scheme 'http' in 'http://h:1'; expected redis:// or rediss://")]
    [InlineData("Vdr:Cdc:Redis:Url", "not a url", "Vdr:Cdc:Redis:Url: 'not a url' is not a URL; expected redis://[user:password@]host:port or rediss://...")]
    [InlineData("Vdr:Cdc:Redis:PasswordFile", "/no/such/file", "Vdr:Cdc:Redis:PasswordFile: file '/no/such/file' does not exist; accepted: the path of a readable file.")]
    [InlineData("Vdr:Cdc:Redis:SentinelPasswordFile", "/no/such/file", "Vdr:Cdc:Redis:SentinelPasswordFile: file '/no/such/file' does not exist; accepted: the path of a readable file.")]
    [InlineData("Vdr:Cdc:Redis:TlsCaFile", "/no/ca.crt", "Vdr:Cdc:Redis:TlsCaFile: file '/no/ca.crt' does not exist; accepted: the path of a readable file.")]
    [InlineData("Vdr:Cdc:Redis:TlsInsecure", "true", "Vdr:Cdc:Redis:Url: TLS settings are given but the URL is redis://; accepted: a rediss:// URL for TLS, or no Tls* settings.")]
    [InlineData("Vdr:Cdc:Redis:SentinelMasterName", "mymaster", "Vdr:Cdc:Redis:Sentinels: is required when Vdr:Cdc:Redis:SentinelMasterName is set: one or more host:port.")]
    [InlineData("Vdr:Cdc:Redis:Sentinels:0", "s1:26379", "Vdr:Cdc:Redis:SentinelMasterName: is required when Vdr:Cdc:Redis:Sentinels is set: the primary's name as configured in Sentinel.")]
    [InlineData("Vdr:Cdc:Redis:ReconnectInitialDelay", "00:01:00", "Vdr:Cdc:Redis:ReconnectInitialDelay: 00:01:00 is greater than Vdr:Cdc:Redis:ReconnectMaxDelay (00:00:30); accepted: at most the maximum delay.")]
    [InlineData("Vdr:Cdc:Redis:SpoolDirectory", "/no/such/dir", "Vdr:Cdc:Redis:SpoolDirectory: directory '/no/such/dir' does not exist; accepted: an existing writable directory.")]
    [InlineData("Vdr:Cdc:Redis:Filter:IncludeKeys:0", "", "Vdr:Cdc:Redis:Filter:IncludeKeys:0: is empty; accepted: a Redis glob such as user:* or cache:[ab]*.")]
    [InlineData("Vdr:Cdc:Redis:Filter:ExcludeCommands:0", "SET X", "Vdr:Cdc:Redis:Filter:ExcludeCommands:0: 'SET X' is not a command name; accepted: a name such as SET or HSET (case-insensitive).")]
    [InlineData("Vdr:Cdc:Kafka:BootstrapServers", "kafka", "Vdr:Cdc:Kafka:BootstrapServers: 'kafka' is not host:port; accepted: host:port[,host:port...].")]
    [InlineData("Vdr:Cdc:Kafka:ReplicationFactor", "0", "Vdr:Cdc:Kafka:ReplicationFactor: 0 is not a replication factor; accepted: -1 (the broker's default) or 1 and more.")]
    [InlineData("Vdr:Cdc:Kafka:Batch:MaxDelay", "00:00:31", "Vdr:Cdc:Kafka:Batch:MaxDelay: 00:00:31 is more than half of Vdr:Cdc:Kafka:TransactionTimeout (00:01:00); accepted: at most 00:00:30, so a transaction commits well inside the timeout.")]
    [InlineData("Vdr:Cdc:Kafka:Batch:SnapshotMaxDelay", "00:00:31", "Vdr:Cdc:Kafka:Batch:SnapshotMaxDelay: 00:00:31 is more than half of Vdr:Cdc:Kafka:TransactionTimeout (00:01:00); accepted: at most 00:00:30, so a transaction commits well inside the timeout.")]
    [InlineData("Vdr:Cdc:Kafka:Producer:transactional.id", "x", "Vdr:Cdc:Kafka:Producer:transactional.id: is set by the connector; accepted: remove it (use Vdr:Cdc:Name).")]
    [InlineData("Vdr:Cdc:Kafka:Consumer:bootstrap.servers", "x:1", "Vdr:Cdc:Kafka:Consumer:bootstrap.servers: is set by the connector; accepted: remove it (use Vdr:Cdc:Kafka:BootstrapServers).")]
    [InlineData("Vdr:Cdc:Kafka:SecretFiles:sasl.password", "/no/such/file", "Vdr:Cdc:Kafka:SecretFiles:sasl.password: file '/no/such/file' does not exist; accepted: the path of a readable file.")]
    [InlineData("Vdr:Cdc:Kafka:Routes:0:Topic", "redis.progress", "Vdr:Cdc:Kafka:Routes:0:Topic: 'redis.progress' is the progress topic; accepted: any other topic name.")]
    [InlineData("Vdr:Cdc:SchemaRegistry:Url", "ftp://r:1", "Vdr:Cdc:SchemaRegistry:Url: 'ftp://r:1' is not an http(s) URL; accepted: http://host:port or https://host:port, comma-separated.")]
    [InlineData("Vdr:Cdc:SchemaRegistry:BasicAuthUserInfo", "u:p", "Vdr:Cdc:SchemaRegistry:Url: is required when basic auth is set; accepted: the registry URL, or no BasicAuthUserInfo*.")]
    [InlineData("Vdr:Cdc:SchemaRegistry:BasicAuthUserInfoFile", "/no/such/file", "Vdr:Cdc:SchemaRegistry:BasicAuthUserInfoFile: file '/no/such/file' does not exist; accepted: the path of a readable file.")]
    public void Load_CrossFieldRule_MessageNamesTheKey(string key, string value, string expected)
    {
        var result = Load((key, value));

        Assert.False(result.IsValid);
        Assert.True(result.Errors.Contains(expected), string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void Load_PasswordAndPasswordFile_NotBoth()
    {
        var file = Secret("pw", "s3cret\n");

        var result = Load(("Vdr:Cdc:Redis:Password", "other"), ("Vdr:Cdc:Redis:PasswordFile", file));

        Assert.Equal(["Vdr:Cdc:Redis:Password and Vdr:Cdc:Redis:PasswordFile: both are set; accepted: one of the two."], result.Errors);
        Assert.DoesNotContain(result.Errors, e => e.Contains("other", StringComparison.Ordinal) || e.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SentinelPasswordAndFile_NotBoth()
    {
        var result = Load(("Vdr:Cdc:Redis:SentinelPassword", "x"), ("Vdr:Cdc:Redis:SentinelPasswordFile", Secret("spw", "y")));

        Assert.Equal(["Vdr:Cdc:Redis:SentinelPassword and Vdr:Cdc:Redis:SentinelPasswordFile: both are set; accepted: one of the two."], result.Errors);
    }

    [Fact]
    public void Load_BasicAuthAndFile_NotBoth()
    {
        var result = Load(("Vdr:Cdc:SchemaRegistry:Url", "http://r:8081"), ("Vdr:Cdc:SchemaRegistry:BasicAuthUserInfo", "u:p"), ("Vdr:Cdc:SchemaRegistry:BasicAuthUserInfoFile", Secret("ba", "u:p")));

        Assert.Equal(["Vdr:Cdc:SchemaRegistry:BasicAuthUserInfo and Vdr:Cdc:SchemaRegistry:BasicAuthUserInfoFile: both are set; accepted: one of the two."], result.Errors);
    }

    [Fact]
    public void Load_ClientCertWithoutKey_Rejected()
    {
        var result = Load(("Vdr:Cdc:Redis:Url", "rediss://h:6380"), ("Vdr:Cdc:Redis:TlsClientCertFile", Secret("tls.crt", "-")));

        Assert.Equal(["Vdr:Cdc:Redis:TlsClientCertFile and Vdr:Cdc:Redis:TlsClientKeyFile: give both (mutual TLS) or neither."], result.Errors);
    }

    [Fact]
    public void Load_TlsFilesWithRediss_Valid()
    {
        var result = Load(
            ("Vdr:Cdc:Redis:Url", "rediss://h:6380"),
            ("Vdr:Cdc:Redis:TlsCaFile", Secret("ca.crt", "-")),
            ("Vdr:Cdc:Redis:TlsClientCertFile", Secret("tls.crt", "-")),
            ("Vdr:Cdc:Redis:TlsClientKeyFile", Secret("tls.key", "-")));

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
    }

    [Fact]
    public void Load_BadSentinelAddress_NamesTheIndex()
    {
        var result = Load(("Vdr:Cdc:Redis:Sentinels:0", "s1:26379"), ("Vdr:Cdc:Redis:Sentinels:1", "s2"), ("Vdr:Cdc:Redis:SentinelMasterName", "m"));

        Assert.Equal(["Vdr:Cdc:Redis:Sentinels:1: 's2' is not host:port; accepted: e.g. sentinel-0.sentinel:26379."], result.Errors);
    }

    [Fact]
    public void Load_SecretFileKeyAlsoInProducer_Rejected()
    {
        var result = Load(("Vdr:Cdc:Kafka:SecretFiles:sasl.password", Secret("kpw", "x")), ("Vdr:Cdc:Kafka:Producer:sasl.password", "y"));

        Assert.Equal(["Vdr:Cdc:Kafka:Producer:sasl.password: is also given by Vdr:Cdc:Kafka:SecretFiles:sasl.password; accepted: one of the two."], result.Errors);
    }

    [Fact]
    public void Load_SeveralProblems_AllReported()
    {
        var result = Load(("Vdr:Cdc:Redis:Url", ""), ("Vdr:Cdc:Kafka:Batch:MaxEvents", "0"), ("Vdr:Cdc:Kafka:ReplicationFactor", "0"));

        Assert.Equal(3, result.Errors.Count);
    }

    [Theory]
    [InlineData("Vdr:Cdc:Kafka:Batch:MaxEvents", "abc", "Vdr:Cdc:Kafka:Batch:MaxEvents: 'abc' is not a valid integer; accepted: a whole number from -2147483648 to 2147483647.")]
    [InlineData("Vdr:Cdc:Kafka:Batch:MaxDelay", "50ms", "Vdr:Cdc:Kafka:Batch:MaxDelay: '50ms' is not a valid time span; accepted: [d.]hh:mm:ss[.fffffff], e.g. 00:00:05 for 5 seconds or 00:00:00.100 for 100 ms.")]
    [InlineData("Vdr:Cdc:Kafka:TopicCreation", "Sometimes", "Vdr:Cdc:Kafka:TopicCreation: 'Sometimes' is not a valid TopicCreation; accepted: Admin, BrokerAutoCreate, Disabled.")]
    [InlineData("Vdr:Cdc:Logging:Format", "xml", "Vdr:Cdc:Logging:Format: 'xml' is not a valid LogFormat; accepted: Text, Json.")]
    [InlineData("Vdr:Cdc:Redis:Reconnect", "maybe", "Vdr:Cdc:Redis:Reconnect: 'maybe' is not a valid boolean; accepted: true, false.")]
    [InlineData("Vdr:Cdc:Kafka:ReplicationFactor", "70000", "Vdr:Cdc:Kafka:ReplicationFactor: '70000' is not a valid integer; accepted: a whole number from -32768 to 32767.")]
    public void Load_ValueOfTheWrongType_BindingErrorNamesKeyAndAcceptedValues(string key, string value, string expected)
    {
        var result = Load((key, value));

        Assert.Null(result.Options);
        Assert.Equal([expected], result.Errors);
    }

    [Theory]
    [InlineData("Vdr:Cdc:Kafka:BootstrapServer", "Vdr:Cdc:Kafka:BootstrapServer: unknown key; accepted under Vdr:Cdc:Kafka: ")]
    [InlineData("Vdr:Cdc:Redis:Url:Host", "Vdr:Cdc:Redis:Url:Host: unknown key: Vdr:Cdc:Redis:Url is a String value, not a section.")]
    [InlineData("Vdr:Cdc:Kafka:Routes:first:Topic", "Vdr:Cdc:Kafka:Routes:first: unknown key: Vdr:Cdc:Kafka:Routes is a list; accepted: indexes 0, 1, 2, ...")]
    public void Load_UnknownKey_Rejected(string key, string expectedStart)
    {
        var result = Load((key, "x"));

        Assert.Null(result.Options);
        Assert.StartsWith(expectedStart, Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PassThroughSettings_AnyKeyAccepted()
    {
        var result = Load(("Vdr:Cdc:Kafka:Producer:compression.type", "zstd"), ("Vdr:Cdc:Kafka:Consumer:security.protocol", "SSL"));

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        Assert.Equal("zstd", result.Options!.Kafka.Producer["compression.type"]);
    }

    [Fact]
    public void Validate_StaticEntryPoint_ThrowsWithEveryKey()
    {
        var options = new CdcOptions();
        options.Kafka.Batch.MaxEvents = 0;

        var e = Assert.Throws<CdcConfigurationException>(() => RedisCdcConnector.Validate(options));

        Assert.Contains("Vdr:Cdc:Redis:Url: is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("Vdr:Cdc:Kafka:BootstrapServers: is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("Vdr:Cdc:Kafka:Batch:MaxEvents: must be between 1 and 10000000", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Secret(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
