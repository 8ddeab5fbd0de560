using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vdr.Cdc.Host.Demo;

/// <summary>
/// A <c>redis-server</c> child process on a free loopback port with a temporary working directory, no persistence
/// (<c>--save ""</c>, no AOF) and diskless replication without delay (so the connector's full sync starts at once).
/// Disposing it kills the process and deletes the directory; the same happens on process exit as a safety net,
/// and what a <c>kill -9</c> of the demo leaves is removed by the next demo (<see cref="DemoLeftovers"/>).
/// </summary>
internal sealed class LocalRedisServer : IDemoRedis
{
    private const int PortAttempts = 3;
    private const string LogFile = "redis.log";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(15);
    private readonly Process _process;
    private readonly string _binary;
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    private LocalRedisServer(Process process, string binary, int port, string directory)
    {
        _process = process;
        _binary = binary;
        Port = port;
        Directory = directory;
        _onProcessExit = (_, _) => Stop();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>The server's working directory (its log file is there); deleted on dispose.</summary>
    public string Directory { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Description => $"local {_binary}, pid {ProcessId}, dir {Directory}";

    /// <summary>The redis-server binary: <paramref name="explicitPath"/> if given, else the first on PATH; null when there is none.</summary>
    public static string? FindBinary(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin").Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Starts the server and waits until it accepts connections; a port taken meanwhile is retried with another.</summary>
    public static async Task<LocalRedisServer> StartAsync(string binary, CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory(DemoLeftovers.DirectoryPrefix).FullName;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var server = Launch(binary, FreeLoopbackPort(), directory);
                try
                {
                    await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                    return server;
                }
                catch (DemoSetupException) when (attempt < PortAttempts && server.LogText().Contains("Address already in use", StringComparison.Ordinal))
                {
                    // Another process took the port between our probe and the server's bind: try another one.
                    server.Stop(deleteDirectory: false);
                    File.Delete(Path.Combine(directory, LogFile));
                }
                catch
                {
                    server.Stop(deleteDirectory: false);
                    throw;
                }
            }
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private static LocalRedisServer Launch(string binary, int port, string directory)
    {
        // Through setsid (util-linux) the server gets a session of its own: a Ctrl-C in the terminal then reaches only
        // the demo, which stops the connector first and the server after, instead of both at once. setsid execs the
        // server in the same process (no fork: our child is not a process-group leader), so the pid stays the server's.
        var setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
        var start = new ProcessStartInfo(setsid ?? binary)
        {
            UseShellExecute = false,
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add(binary);
        }

        string[] args =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
            "--logfile", LogFile, "--save", string.Empty, "--appendonly", "no", "--daemonize", "no",
            "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DemoSetupException($"{binary} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DemoSetupException($"{binary} could not be started: {e.Message}", e);
        }

        try
        {
            DemoLeftovers.Record(directory, process.Id);
        }
        catch (IOException)
        {
            process.Kill();
            process.Dispose();
            throw;
        }

        // Its own output goes to redis.log; anything printed before the log file is open is drained and dropped,
        // so that it never mixes with the events on our stdout.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LocalRedisServer(process, binary, port, directory);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new DemoSetupException($"{_binary} exited at start (code {_process.ExitCode}):\n{LogTail()}");
            }

            // Both: the log line proves it is our server, the connection that it listens already.
            if (LogText().Contains("ready to accept connections", StringComparison.OrdinalIgnoreCase) && await AcceptsConnectionsAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new DemoSetupException($"{_binary} did not accept connections on port {Port} within {ReadyTimeout.TotalSeconds:0} s:\n{LogTail()}");
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> AcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Stop() => Stop(deleteDirectory: true);

    private void Stop(bool deleteDirectory)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
            try
            {
                if (!_process.HasExited)
                {
                    // No persistence to protect: SIGKILL is immediate and cannot be ignored.
                    _process.Kill();
                }

                _process.WaitForExit(5_000);
            }
            catch (InvalidOperationException)
            {
                // It had already gone.
            }

            _process.Dispose();
        }

        if (deleteDirectory)
        {
            DeleteDirectory(Directory);
        }
    }

    private string LogText()
    {
        try
        {
            return File.ReadAllText(Path.Combine(Directory, LogFile));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private string LogTail() => string.Join('\n', LogText().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(10));

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void DeleteDirectory(string directory)
    {
        for (var attempt = 0; attempt < 5 && System.IO.Directory.Exists(directory); attempt++)
        {
            try
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // The server may still be closing its log file: try again shortly.
                Thread.Sleep(50);
            }
        }
    }
}
