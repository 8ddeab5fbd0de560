using Vdr.Cdc.Configuration;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.SchemaRegistry;

namespace Vdr.Cdc.Tests.Configuration;

/// <summary>Secrets from files (Kubernetes secrets mounted as files): one trailing newline is not part of the secret.</summary>
public sealed class SecretFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vdr-cdc-secrets").FullName;

    [Theory]
    [InlineData("s3cret", "s3cret")]
    [InlineData("s3cret\n", "s3cret")]
    [InlineData("s3cret\r\n", "s3cret")]
    [InlineData("s3cret\n\n", "s3cret\n")]
    [InlineData(" s3 cret \n", " s3 cret ")]
    [InlineData("", "")]
    public void Read_TrimsOneTrailingNewline(string content, string expected)
    {
        Assert.Equal(expected, SecretFile.Read(Write("secret", content)));
    }

    [Fact]
    public void Read_MissingFile_ConfigurationErrorNamingThePath()
    {
        var e = Assert.Throws<CdcConfigurationException>(() => SecretFile.Read("/no/such/secret"));

        Assert.StartsWith("Cannot read the secret file /no/such/secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisPasswordFile_GoesToTheReplicationClient()
    {
        var options = new RedisSourceOptions { Url = "redis://h:1", PasswordFile = Write("pw", "from-file\n"), SentinelPasswordFile = Write("spw", "sentinel\n") };

        var replica = options.ToReplicaOptions();

        Assert.Equal("from-file", replica.Password);
        Assert.Equal("sentinel", replica.SentinelPassword);
    }

    [Fact]
    public void ToReplicaOptions_MapsEveryRedisSetting()
    {
        var options = new RedisSourceOptions
        {
            Url = "rediss://h:1",
            Username = "u",
            Password = "p",
            TlsServerName = "name",
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(200),
            ReconnectMaxDelay = TimeSpan.FromSeconds(5),
            SpoolMemoryBytes = 1 << 20,
            SpoolMaxBytes = 1 << 30,
            Sentinels = ["s1:26379", "s2:26379"],
            SentinelMasterName = "mymaster",
            SentinelPassword = "sp",
        };

        var replica = options.ToReplicaOptions();

        Assert.Equal(("u", "p", "name"), (replica.Username, replica.Password, replica.TlsServerName));
        Assert.Equal(TimeSpan.FromSeconds(3), replica.ConnectTimeout);
        Assert.Equal((TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5)), (replica.ReconnectInitialDelay, replica.ReconnectMaxDelay));
        Assert.Equal((1L << 20, 1L << 30), (replica.SpoolMemoryBytes, replica.SpoolMaxBytes));
        Assert.Equal(["s1:26379", "s2:26379"], replica.Sentinels);
        Assert.Equal(("mymaster", "sp"), (replica.SentinelMasterName, replica.SentinelPassword));
    }

    [Fact]
    public void KafkaSecretFiles_AddedToProducerAndConsumerSettings()
    {
        var options = new KafkaOptions
        {
            Producer = { ["sasl.mechanism"] = "PLAIN" },
            SecretFiles = { ["sasl.password"] = Write("kafka-pw", "kpw\n") },
        };

        Assert.Equal("kpw", options.ProducerSettings()["sasl.password"]);
        Assert.Equal("PLAIN", options.ProducerSettings()["sasl.mechanism"]);
        Assert.Equal("kpw", options.ConsumerSettings()["sasl.password"]);
        Assert.False(options.Producer.ContainsKey("sasl.password")); // the options themselves never hold the secret
    }

    [Fact]
    public void SchemaRegistryBasicAuthFile_Resolved()
    {
        var options = new SchemaRegistryOptions { Url = "http://r:8081", BasicAuthUserInfoFile = Write("ba", "user:pw\n") };

        Assert.Equal("user:pw", options.ResolveBasicAuthUserInfo());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
