using System.Diagnostics;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Host.Commands;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Cli;

/// <summary><c>vdr-cdc run</c> as a real process (SIGTERM to stop) and <c>vdr-cdc tail</c> reading what it wrote.</summary>
public sealed class RunTailCommandTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _kafka = new();

    [Fact]
    public async Task Run_ThenTail_EventsAsJsonLinesAndGracefulSigterm()
    {
        output.WriteLine("Kafka: " + _kafka.Description);
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint + ",allowAdmin=true");
        var db = connection.GetDatabase();
        await db.StringSetAsync("before", "snap");
        var prefix = "cli" + Guid.NewGuid().ToString("N")[..8];
        var kafka = _kafka.NewOptions(prefix);
        var config = Path.Combine(redis.Directory, "connector.json");
        await File.WriteAllTextAsync(config, "{\"Vdr\":{\"Cdc\":{\"Kafka\":{\"TopicCreation\":\"" + kafka.TopicCreation + "\",\"Batch\":{\"MaxDelay\":\"00:00:00.050\"}}}}}");

        using var run = StartProcess("run", "--redis", $"redis://{redis.EndPoint}", "--kafka", _kafka.BootstrapServers, "--name", prefix + "-c", "--topic-prefix", prefix, "--config", config);
        var stderr = new StringBuilder();
        run.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        run.OutputDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        run.BeginErrorReadLine();
        run.BeginOutputReadLine();
        try
        {
            await WaitForProgressAsync(prefix, p => p.Phase == Phase.Streaming, run, stderr);
            await db.StringSetAsync("bin", new byte[] { 0xff, 0x00, 0x41 });
            await db.SortedSetAddAsync("z", "m", double.PositiveInfinity);
            var offset = long.Parse(connection.GetServer(redis.EndPoint).Info("replication").SelectMany(g => g).First(p => p.Key == "master_repl_offset").Value, System.Globalization.CultureInfo.InvariantCulture);
            await WaitForProgressAsync(prefix, p => p.Phase == Phase.Streaming && p.Offset >= offset, run, stderr);

            using var stdout = new MemoryStream();
            using var tailErr = new StringWriter();
            var exit = await TailCommand.RunAsync(_kafka.BootstrapServers, prefix, fromBeginning: true, TimeSpan.FromSeconds(1.5), stdout, tailErr, new CancellationTokenSource(Timeout).Token);
            Assert.True(exit == 0, tailErr.ToString());
            var lines = Encoding.UTF8.GetString(stdout.ToArray()).TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
            output.WriteLine(string.Join('\n', lines.Select(l => l.GetRawText()).Where(l => !l.Contains("\"control\"", StringComparison.Ordinal))));

            var read = Assert.Single(lines, l => l.GetProperty("op").GetString() == "read");
            Assert.Equal("before", read.GetProperty("key").GetString());
            Assert.Equal("snap", read.GetProperty("value").GetString());
            Assert.Equal("true", read.GetProperty("source").GetProperty("snapshot").GetString());
            var bin = Assert.Single(lines, l => l.GetProperty("op").GetString() == "upsert" && l.GetProperty("key").GetString() == "bin");
            Assert.Equal("SET", bin.GetProperty("command").GetProperty("name").GetString());
            Assert.Equal(Convert.ToBase64String([0xff, 0x00, 0x41]), bin.GetProperty("command").GetProperty("args")[1].GetProperty("b64").GetString());
            var z = Assert.Single(lines, l => l.GetProperty("op").GetString() == "upsert" && l.GetProperty("key").GetString() == "z");
            Assert.Equal("+inf", z.GetProperty("command").GetProperty("args")[1].GetString());
            Assert.Contains(lines, l => l.TryGetProperty("control", out var c) && c.GetProperty("kind").GetString() == "snapshot_begin");
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(Timeout);
            await run.WaitForExitAsync(wait.Token);
        }

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {stderr}");
    }

    [Fact]
    public async Task Run_WithoutRedisUrl_ExitCode2NamingTheKey()
    {
        using var stderr = new StringWriter();
        var exit = await RunCommand.RunAsync(null, new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = "localhost:1" }, stderr, CancellationToken.None);
        Assert.Equal(2, exit);
        Assert.Contains("Vdr:Cdc:Redis:Url", stderr.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _kafka.Dispose();

    private async Task WaitForProgressAsync(string prefix, Func<ProgressRecord, bool> condition, Process run, StringBuilder log)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!_kafka.ReadAll([prefix + ".progress"]).Select(r => ProgressRecord.Parser.ParseFrom(r.Message.Value)).Any(condition))
        {
            Assert.False(run.HasExited, $"vdr-cdc run exited with {(run.HasExited ? run.ExitCode : 0)}: {log}");
            Assert.True(DateTime.UtcNow < deadline, $"no matching progress within {Timeout}: {log}");
            await Task.Delay(100);
        }
    }

    private static Process StartProcess(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vdr-cdc.dll"));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return Process.Start(psi)!;
    }
}
