using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vdr.Cdc.Tests.Demo;

/// <summary>
/// <c>vdr-cdc demo</c> as a child process of the built executable, its stdout (event JSON lines) and stderr (header,
/// echoed writes) collected, and what its header says it started (redis-server pid, port, directory).
/// </summary>
internal sealed partial class DemoProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();

    private DemoProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

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

    /// <summary>Every stdout line parsed as JSON (a line that is not JSON fails the test).</summary>
    public List<JsonElement> Events
    {
        get
        {
            lock (_stdout)
            {
                return [.. _stdout.Select(line => JsonDocument.Parse(line).RootElement)];
            }
        }
    }

    public string StdoutText
    {
        get
        {
            lock (_stdout)
            {
                return string.Join('\n', _stdout);
            }
        }
    }

    /// <summary>The redis-server pid the header reports ("pid N").</summary>
    public int RedisPid => int.Parse(HeaderValue(PidPattern()), CultureInfo.InvariantCulture);

    /// <summary>The redis-server port the header reports ("at 127.0.0.1:N").</summary>
    public int RedisPort => int.Parse(HeaderValue(PortPattern()), CultureInfo.InvariantCulture);

    /// <summary>The temporary directory the header reports ("dir /tmp/vdr-demo-...").</summary>
    public string RedisDirectory => HeaderValue(DirectoryPattern());

    public static DemoProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vdr-cdc.dll"));
        start.ArgumentList.Add("demo");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var demo = new DemoProcess(Process.Start(start)!);
        demo._process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                lock (demo._stdout)
                {
                    demo._stdout.Add(e.Data);
                }
            }
        };
        demo._process.ErrorDataReceived += (_, e) =>
        {
            lock (demo._stderr)
            {
                demo._stderr.AppendLine(e.Data);
            }
        };
        demo._process.BeginOutputReadLine();
        demo._process.BeginErrorReadLine();
        return demo;
    }

    /// <summary>Waits for the exit; past <paramref name="timeout"/> the demo is killed and the test fails.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"vdr-cdc demo did not exit within {timeout}.\nstderr:\n{Stderr}\nstdout:\n{StdoutText}");
        }

        // The exit event can come before the last redirected lines are read: WaitForExit() without a timeout waits for them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits until an event matches; fails with the output so far if the demo exits or the time runs out.</summary>
    public async Task WaitForEventAsync(Func<JsonElement, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Events.Any(condition))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"vdr-cdc demo exited ({_process.ExitCode}) before the event.\nstderr:\n{Stderr}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"no such event within {timeout}.\nstderr:\n{Stderr}\nstdout:\n{StdoutText}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the header is out (it names the redis-server's pid, port and directory).</summary>
    public async Task WaitForHeaderAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!PidPattern().IsMatch(Stderr) || !Stderr.Contains("Events follow", StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"vdr-cdc demo exited ({_process.ExitCode}) before its header.\nstderr:\n{Stderr}");
            }

            Assert.True(DateTime.UtcNow < deadline, $"no header within {timeout}.\nstderr:\n{Stderr}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL to the demo alone (not its children): what a crash or <c>kill -9</c> does.</summary>
    public void KillDemoOnly()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>True while a live (not zombie) redis-server has this pid.</summary>
    public static bool IsRedisServerAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return stat.Contains("(redis-server)", StringComparison.Ordinal) && state != 'Z' && state != 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private string HeaderValue(Regex pattern)
    {
        var match = pattern.Match(Stderr);
        Assert.True(match.Success, $"the header does not say {pattern}:\n{Stderr}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"Redis .* at 127\.0\.0\.1:(\d+) ")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"pid (\d+)")]
    private static partial Regex PidPattern();

    [GeneratedRegex(@"dir (/\S+?)\)")]
    private static partial Regex DirectoryPattern();
}
