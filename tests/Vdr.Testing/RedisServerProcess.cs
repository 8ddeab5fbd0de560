using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Vdr.Testing;

/// <summary>
/// A throwaway redis-server on a free loopback port, with its own working directory.
/// Extra arguments are passed as command-line config (for example "--appendonly", "no").
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable, IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private RedisServerProcess(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    /// <summary>The server's working directory (dump.rdb lands here).</summary>
    public string Directory { get; }

    public string Host => "127.0.0.1";

    public string EndPoint => $"{Host}:{Port}";

    public string RdbPath => Path.Combine(Directory, "dump.rdb");

    public bool HasExited => _process.HasExited;

    /// <summary>The server's process id (for reading its CPU time).</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the server printed so far (useful in assertion messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<RedisServerProcess> StartAsync(IEnumerable<string>? extraArgs = null, int? port = null, string? directory = null, CancellationToken cancellationToken = default)
    {
        var chosenPort = port ?? FreePort.Next();
        var dir = directory ?? CreateTempDirectory();
        var psi = new ProcessStartInfo(RedisBinaries.Server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var arg in new[] { "--port", chosenPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no" })
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var arg in extraArgs ?? [])
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        var server = new RedisServerProcess(process, chosenPort, dir);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false);
        return server;
    }

    public static string CreateTempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "vdr-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS.
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} at start:\n{Log}");
            }

            if (Log.Contains("Ready to accept connections", StringComparison.Ordinal) && await CanConnectAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"redis-server on port {Port} was not ready within {timeout}:\n{Log}");
    }

    private async Task<bool> CanConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(Host, Port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
