using System.Text.Json;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Configuration;

/// <summary><c>vdr-cdc run</c> as a real process: JSON console logs, and no secret from the configuration in any log line.</summary>
public sealed class RunLoggingTests(ITestOutputHelper output) : IDisposable
{
    private const string Password = "Run-Pa55word-9f3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _kafka = new();

    [Fact]
    public async Task Run_JsonLogsAtDebug_AreJsonLinesWithoutThePassword()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0", "--requirepass", Password]);
        var prefix = "log" + Guid.NewGuid().ToString("N")[..8];
        var kafka = _kafka.NewOptions(prefix);
        var config = Path.Combine(redis.Directory, "connector.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Logging": { "LogLevel": { "Default": "Debug" } },
              "Vdr": { "Cdc": {
                "Redis": { "Url": "redis://{{redis.EndPoint}}", "Password": "{{Password}}" },
                "Kafka": { "TopicCreation": "{{kafka.TopicCreation}}", "Batch": { "MaxDelay": "00:00:00.050" }, "Producer": { "sasl.password": "{{Password}}" } } } }
            }
            """);

        using var run = CliProcess.Start(redis.Directory, null, "run", "--config", config, "--kafka", _kafka.BootstrapServers, "--name", prefix + "-c", "--topic-prefix", prefix, "--log-format", "json");
        var exit = -1;
        try
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (!_kafka.ReadAll([prefix + ".progress"]).Select(r => ProgressRecord.Parser.ParseFrom(r.Message.Value)).Any(p => p.Phase == Phase.Streaming))
            {
                Assert.False(run.Process.HasExited, $"vdr-cdc run exited: {run.Stdout}{run.Stderr}");
                Assert.True(DateTime.UtcNow < deadline, $"not streaming within {Timeout}: {run.Stdout}{run.Stderr}");
                await Task.Delay(100);
            }
        }
        finally
        {
            exit = await run.TerminateAsync();
        }

        output.WriteLine(run.Stdout);
        output.WriteLine(run.Stderr);
        Assert.True(exit == 0, $"exit {exit}: {run.Stderr}");
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length >= 3, "expected startup log lines");
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("Message", out _), line);
        }

        Assert.Contains(lines, l => l.Contains("\"LogLevel\":\"Debug\"", StringComparison.Ordinal) || l.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _kafka.Dispose();
}
