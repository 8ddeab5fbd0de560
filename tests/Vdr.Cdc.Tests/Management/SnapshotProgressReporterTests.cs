using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Vdr.Cdc.Host.Management;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Cdc.Tests.Pipeline;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Management;

/// <summary>The snapshot progress display during a real snapshot: the terminal bar and the periodic log lines.</summary>
public sealed class SnapshotProgressReporterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly KafkaTestCluster _kafka = new();

    [Fact]
    public async Task Snapshot_BarRedrawnInPlaceEndingAtHundredPercent_AndLogLinesWhenNotATerminal()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]);
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint + ",allowAdmin=true"))
        {
            await connection.GetDatabase().ExecuteAsync("DEBUG", "POPULATE", "200000", "key", "64");
        }

        var prefix = "prog" + Guid.NewGuid().ToString("N")[..8];
        var bar = new SynchronizedWriter();
        await using var host = await ManagementTestHost.StartAsync(redis.EndPoint, _kafka.NewOptions(prefix), prefix + "-c", output, progressBar: bar);
        var logged = new RecordingLogger();
        using var logReporter = new SnapshotProgressReporter(host.Connector, logged, TextWriter.Null, interactive: false, logInterval: TimeSpan.FromMilliseconds(50));
        await logReporter.StartAsync(CancellationToken.None);

        await host.WaitForStatusAsync("/healthz/ready", HttpStatusCode.OK, Timeout);
        var deadline = DateTime.UtcNow + Timeout;
        while (!(host.Connector.Telemetry.SnapshotProgress is { InProgress: false, Keys: 200000 } && bar.Text.EndsWith('\n')))
        {
            Assert.True(DateTime.UtcNow < deadline, "the snapshot did not finish in time: " + bar.Text);
            await Task.Delay(100);
        }

        await logReporter.StopAsync(CancellationToken.None);
        var text = bar.Text;
        output.WriteLine(text.Replace("\r", "\n", StringComparison.Ordinal));
        var frames = text.Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(frames.Length >= 2, "expected the bar to be drawn at least twice: " + text);
        Assert.All(frames, f => Assert.StartsWith("\u001b[2Ksnapshot [", f, StringComparison.Ordinal));
        Assert.Contains("keys/s", frames[0], StringComparison.Ordinal);
        Assert.Contains("ETA", frames[0], StringComparison.Ordinal);
        var last = frames[^1];
        Assert.Contains("100.0 %", last, StringComparison.Ordinal);
        Assert.Contains("200000", last, StringComparison.Ordinal);
        Assert.EndsWith("\n", last, StringComparison.Ordinal);
        Assert.Equal(1, text.Count(c => c == '\n'));

        lock (logged.Lines)
        {
            output.WriteLine(string.Join('\n', logged.Lines));
            Assert.NotEmpty(logged.Lines);
            Assert.All(logged.Lines, l => Assert.StartsWith("5010 Information Snapshot progress: ", l, StringComparison.Ordinal));
            Assert.Contains(logged.Lines, l => l.Contains("unknown (diskless)", StringComparison.Ordinal) && l.Contains("keys/s", StringComparison.Ordinal));
        }
    }

    public void Dispose() => _kafka.Dispose();

    /// <summary>A terminal stand-in written from the reporter's thread and read from the test's.</summary>
    private sealed class SynchronizedWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }
    }

    private sealed class RecordingLogger : ILogger<SnapshotProgressReporter>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add($"{eventId.Id} {logLevel} {formatter(state, exception)}");
            }
        }
    }
}
