using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Vdr.Testing;

namespace Vdr.E2E;

/// <summary>
/// A redis-server of the digest test, on a fixed loopback port and directory, that can be shut down and started
/// again on the same port and directory (its data survives when it runs with persistence). Output goes to a log
/// file in the directory.
/// </summary>
public sealed class RedisNode : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _extraArgs;
    private Process? _process;
    private int _starts;

    private RedisNode(string name, int port, string directory, IReadOnlyList<string> extraArgs)
    {
        Name = name;
        Port = port;
        Directory = directory;
        _extraArgs = extraArgs;
    }

    public string Name { get; }

    public int Port { get; }

    public string Directory { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    public string Url => $"redis://127.0.0.1:{Port}";

    /// <summary>Starts a server named <paramref name="name"/> in <paramref name="directory"/> (created if missing).</summary>
    public static async Task<RedisNode> StartAsync(string name, string directory, IReadOnlyList<string> extraArgs, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var node = new RedisNode(name, FreePort.Next(), directory, extraArgs);
        await node.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>Starts the server (again) on the same port and directory; it loads its persisted data if any.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"{Name} redis-server is still running");
        }

        _process?.Dispose();
        _starts++;
        var psi = new ProcessStartInfo(RedisBinaries.Server) { UseShellExecute = false, WorkingDirectory = Directory };
        string[] baseArgs =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
            "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
            "--enable-debug-command", "yes", "--logfile", Path.Combine(Directory, $"redis-{_starts}.log"),
        ];
        foreach (var arg in baseArgs.Concat(_extraArgs))
        {
            psi.ArgumentList.Add(arg);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await IsReadyAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} redis-server exited with code {_process.ExitCode} at start; see {Path.Combine(Directory, $"redis-{_starts}.log")}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} redis-server on port {Port} was not ready within 30 s");
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>SHUTDOWN</c> (raw RESP) and waits for the process to end. With <c>--appendonly yes</c> the append-only file
    /// is flushed and the next start loads it; unlike a dump.rdb written by SHUTDOWN SAVE, from which Redis 7 restores
    /// its replication id and offset, an AOF start gets a new replication history: replicas must full-resync.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} redis-server was never started");
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", Port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("*1\r\n$8\r\nSHUTDOWN\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[256];

            // A successful SHUTDOWN closes the connection without a reply; an error comes back as "-ERR ...".
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0 && buffer[0] == (byte)'-')
            {
                throw new InvalidOperationException($"{Name} SHUTDOWN failed: {System.Text.Encoding.UTF8.GetString(buffer, 0, read).Trim()}");
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);

            // "-LOADING ..." while the dump is being loaded.
            return read >= 5 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
