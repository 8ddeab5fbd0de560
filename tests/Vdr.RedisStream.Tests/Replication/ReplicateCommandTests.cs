using System.Diagnostics;
using System.Text.Json;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

/// <summary>Runs the built <c>vdr-cdc replicate</c> executable against a real redis-server.</summary>
public class ReplicateCommandTests
{
    [Fact]
    public async Task Replicate_SnapshotOnly_PrintsControlAndSnapshotLinesThenExitsZero()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await redis.CallAsync("SET", "s", "v");
        await redis.CallAsync("HSET", "h", "f", "1");
        await redis.CallAsync("PEXPIREAT", "s", "4102444800000");

        var (exit, lines, stderr) = await RunToEndAsync($"replicate --redis redis://127.0.0.1:{primary.Port} --snapshot-only");
        Assert.True(exit == 0, stderr);
        var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("control", docs[0].GetProperty("kind").GetString());
        Assert.Equal("full_resync", docs[0].GetProperty("event").GetString());
        Assert.Equal(await redis.InfoAsync("master_replid"), docs[0].GetProperty("replid").GetString());
        Assert.Equal("snapshot_end", docs[^1].GetProperty("event").GetString());
        var snapshot = docs.Where(d => d.GetProperty("kind").GetString() == "snapshot").ToDictionary(d => d.GetProperty("key").GetString()!);
        Assert.Equal(2, snapshot.Count);
        Assert.Equal("""{"kind":"snapshot","db":0,"key":"s","type":"string","value":"v","expire_at_ms":4102444800000}""", snapshot["s"].GetRawText());
        Assert.Equal("""{"kind":"snapshot","db":0,"key":"h","type":"hash","value":[["f","1"]]}""", snapshot["h"].GetRawText());
    }

    [Fact]
    public async Task Replicate_StreamThenResumeFrom_PrintsEachCommandOnceWithExactOffsets()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        string resumeFrom;
        using (var first = Start($"replicate --redis redis://127.0.0.1:{primary.Port}"))
        {
            await first.WaitForLineAsync(l => l.Contains("snapshot_end", StringComparison.Ordinal));
            await redis.CallAsync("SELECT", "4");
            await redis.CallAsync("set", "k", "1");
            await redis.CallAsync("MULTI");
            await redis.CallAsync("INCR", "k");
            await redis.CallAsync("INCR", "k");
            await redis.CallAsync("EXEC");
            var offset = await redis.MasterOffsetAsync();
            var last = await first.WaitForLineAsync(l => l.Contains($"\"offset\":{offset}", StringComparison.Ordinal));
            Assert.Equal($$"""{"kind":"command","db":4,"offset":{{offset}},"args":["EXEC"]}""", last);
            var commands = first.Lines.Where(l => l.Contains("\"command\"", StringComparison.Ordinal)).ToList();
            Assert.Equal(5, commands.Count);
            Assert.Contains("\"args\":[\"MULTI\"]", commands[1], StringComparison.Ordinal);
            Assert.StartsWith("""{"kind":"command","db":4,"offset":""", commands[0], StringComparison.Ordinal);
            Assert.EndsWith("""
                "args":["set","k","1"]}
                """, commands[0], StringComparison.Ordinal);
            resumeFrom = $"{await redis.InfoAsync("master_replid")}:{offset}:4";
        }

        await redis.CallAsync("SET", "after", "stop");
        var end = await redis.MasterOffsetAsync();
        using var second = Start($"replicate --redis redis://127.0.0.1:{primary.Port} --from {resumeFrom}");
        await second.WaitForLineAsync(l => l.Contains($"\"offset\":{end}", StringComparison.Ordinal));
        Assert.Contains("\"event\":\"continue\"", second.Lines[0], StringComparison.Ordinal);
        Assert.Equal([$$"""{"kind":"command","db":4,"offset":{{end}},"args":["SET","after","stop"]}"""], second.Lines.Skip(1).ToList());
    }

    [Fact]
    public async Task Replicate_WrongPassword_ExitTwoWithMessage()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--requirepass", "right"]);
        var (exit, _, stderr) = await RunToEndAsync($"replicate --redis redis://:wrong@127.0.0.1:{primary.Port}");
        Assert.Equal(2, exit);
        Assert.Contains("Authentication failed", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replicate_Unreachable_NoReconnect_ExitOne()
    {
        // port 1: nothing listens there (a free port could be taken by a parallel test's server)
        var (exit, _, stderr) = await RunToEndAsync("replicate --redis redis://127.0.0.1:1 --no-reconnect");
        Assert.Equal(1, exit);
        Assert.Contains("Could not connect", stderr, StringComparison.Ordinal);
    }

    private static string Executable()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vdr.Cdc.sln")))
        {
            dir = dir.Parent;
        }

        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = Path.Combine(dir!.FullName, "src", "Vdr.Cdc.Host", "bin", configuration, "net10.0", "vdr-cdc.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first (tests/run.sh does)");
        return path;
    }

    private static CliProcess Start(string arguments) => new(Executable(), arguments);

    private static async Task<(int Exit, List<string> Lines, string Stderr)> RunToEndAsync(string arguments)
    {
        using var process = Start(arguments);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(15));
        return (exit, process.Lines, process.Stderr);
    }

    private sealed class CliProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly System.Text.StringBuilder _stderr = new();

        public CliProcess(string dll, string arguments)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(dll);
            foreach (var a in arguments.Split(' '))
            {
                psi.ArgumentList.Add(a);
            }

            _process = Process.Start(psi)!;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_lines)
                    {
                        _lines.Add(e.Data);
                    }
                }
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public List<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public string Stderr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match, int timeoutMs = 15_000)
        {
            var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
            while (DateTime.UtcNow < deadline)
            {
                if (Lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                if (_process.HasExited)
                {
                    break;
                }

                await Task.Delay(20);
            }

            throw new TimeoutException($"no matching line; output:\n{string.Join('\n', Lines)}\nstderr:\n{Stderr}");
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }

            _process.Dispose();
        }
    }
}
