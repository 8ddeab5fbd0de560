using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Management;

/// <summary><c>vdr-cdc run</c> as a real process: the management endpoint on a free port answers, and SIGTERM stops the whole host (exit 0).</summary>
public sealed partial class RunProcessManagementTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly KafkaTestCluster _kafka = new();

    [Fact]
    public async Task Run_ManagementEndpoint_ReadyThenSigtermExitsZero()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        var prefix = "proc" + Guid.NewGuid().ToString("N")[..8];
        var kafka = _kafka.NewOptions(prefix);
        var config = Path.Combine(redis.Directory, "connector.json");
        await File.WriteAllTextAsync(config, "{\"Vdr\":{\"Cdc\":{\"Kafka\":{\"TopicCreation\":\"" + kafka.TopicCreation + "\",\"Batch\":{\"MaxDelay\":\"00:00:00.050\"}},"
            + "\"Management\":{\"Port\":0,\"BindAddress\":\"127.0.0.1\"}}}}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "vdr-cdc.dll"), "run", "--redis", $"redis://{redis.EndPoint}", "--kafka", _kafka.BootstrapServers, "--name", prefix + "-c", "--topic-prefix", prefix, "--config", config })
        {
            psi.ArgumentList.Add(arg);
        }

        using var run = Process.Start(psi)!;
        var log = new StringBuilder();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(line);
            }

            if (Listening().Match(line) is { Success: true } match)
            {
                address.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        run.OutputDataReceived += (_, e) => OnLine(e.Data);
        run.ErrorDataReceived += (_, e) => OnLine(e.Data);
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        try
        {
            var bound = await address.Task.WaitAsync(Timeout);
            Assert.Equal("127.0.0.1", bound.Host);
            Assert.NotEqual(0, bound.Port);
            using var http = new HttpClient { BaseAddress = bound, Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow + Timeout;
            while ((await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).StatusCode != HttpStatusCode.OK)
            {
                Assert.False(run.HasExited, "vdr-cdc run exited: " + log);
                Assert.True(DateTime.UtcNow < deadline, "not ready in time: " + log);
                await Task.Delay(100);
            }

            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("vdr_cdc_replication_state{", metrics, StringComparison.Ordinal);
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var stopwatch = Stopwatch.StartNew();
            using var wait = new CancellationTokenSource(Timeout);
            await run.WaitForExitAsync(wait.Token);
            output.WriteLine($"stopped {stopwatch.Elapsed.TotalSeconds:0.00} s after SIGTERM");
        }

        output.WriteLine(log.ToString());
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {log}");
        Assert.Contains("Replication stopped", log.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _kafka.Dispose();

    [GeneratedRegex(@"Management endpoint listening on (http://\S+)")]
    private static partial Regex Listening();
}
