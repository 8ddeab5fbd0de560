namespace Vdr.Cdc.Tests.Configuration;

/// <summary><c>vdr-cdc check-config</c> and <c>vdr-cdc run</c> on bad configuration, as real processes.</summary>
public sealed class CheckConfigCommandTests : IDisposable
{
    private const string Password = "Pa55-in-config";
    private readonly string _directory = Directory.CreateTempSubdirectory("vdr-cdc-check").FullName;

    [Fact]
    public async Task CheckConfig_Valid_PrintsOkAndEffectiveValuesWithSecretsMasked_Exit0()
    {
        var config = Write("config.json", $$"""
            { "Vdr": { "Cdc": {
                "Redis": { "Url": "redis://app:{{Password}}u@h:6379", "Password": "{{Password}}" },
                "Kafka": { "BootstrapServers": "k:9092", "Producer": { "sasl.password": "{{Password}}k", "sasl.username": "user1" } },
                "SchemaRegistry": { "Url": "http://r:8081", "BasicAuthUserInfo": "u:{{Password}}s" } } } }
            """);

        var (exit, stdout, stderr) = await CliProcess.RunAsync(_directory, null, "check-config", "--config", config, "--name", "from-flag");

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("configuration OK", lines[0]);
        Assert.Contains("Vdr:Cdc:Name = from-flag", lines);
        Assert.Contains("Vdr:Cdc:Redis:Url = redis://app:***@h:6379", lines);
        Assert.Contains("Vdr:Cdc:Redis:Password = ***", lines);
        Assert.Contains("Vdr:Cdc:Kafka:Producer:sasl.password = ***", lines);
        Assert.Contains("Vdr:Cdc:Kafka:Producer:sasl.username = user1", lines);
        Assert.Contains("Vdr:Cdc:SchemaRegistry:BasicAuthUserInfo = ***", lines);
        Assert.Contains("Vdr:Cdc:Kafka:Batch:MaxDelay = 00:00:00.1", lines);
        Assert.DoesNotContain(Password, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_Invalid_ErrorsOnStderr_Exit2()
    {
        var env = new Dictionary<string, string> { ["VDR_CDC__KAFKA__BATCH__MAXEVENTS"] = "0", ["VDR_CDC__REDIS__URL"] = "http://h:1" };

        var (exit, stdout, stderr) = await CliProcess.RunAsync(_directory, env, "check-config", "--kafka", "k:9092");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("vdr-cdc check-config: Vdr:Cdc:Kafka:Batch:MaxEvents: must be between 1 and 10000000", stderr, StringComparison.Ordinal);
        Assert.Contains("vdr-cdc check-config: Vdr:Cdc:Redis:Url: Unsupported scheme 'http'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BindingError_Exit2NamingTheKeyWithoutStackTrace()
    {
        var (exit, _, stderr) = await CliProcess.RunAsync(_directory, null, "run", "--redis", "redis://127.0.0.1:1", "--kafka", "127.0.0.1:1", "--set", "Vdr:Cdc:Kafka:Batch:MaxEvents=abc");

        Assert.Equal(2, exit);
        Assert.Equal("vdr-cdc run: Vdr:Cdc:Kafka:Batch:MaxEvents: 'abc' is not a valid integer; accepted: a whole number from -2147483648 to 2147483647.", stderr.Trim());
    }

    [Fact]
    public async Task Run_BadLogFormat_Exit2()
    {
        var (exit, _, stderr) = await CliProcess.RunAsync(_directory, null, "run", "--redis", "redis://127.0.0.1:1", "--kafka", "127.0.0.1:1", "--log-format", "xml");

        Assert.Equal(2, exit);
        Assert.Equal("vdr-cdc run: Vdr:Cdc:Logging:Format: 'xml' is not a valid LogFormat; accepted: Text, Json.", stderr.Trim());
    }

    [Fact]
    public async Task Run_MissingConfigFile_Exit2()
    {
        var (exit, _, stderr) = await CliProcess.RunAsync(_directory, null, "run", "--config", "/no/such.json");

        Assert.Equal(2, exit);
        Assert.Equal("vdr-cdc run: --config /no/such.json: no such file.", stderr.Trim());
    }

    [Fact]
    public async Task CheckConfig_AppSettingsInWorkingDirectory_IsRead()
    {
        Write("appsettings.json", """{ "Vdr": { "Cdc": { "Redis": { "Url": "redis://from-appsettings:1" }, "Kafka": { "BootstrapServers": "k:1" } } } }""");

        var (exit, stdout, stderr) = await CliProcess.RunAsync(_directory, null, "check-config");

        Assert.True(exit == 0, stderr);
        Assert.Contains("Vdr:Cdc:Redis:Url = redis://from-appsettings:1", stdout, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
