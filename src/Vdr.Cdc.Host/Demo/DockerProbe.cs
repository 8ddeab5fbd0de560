using System.Net.Sockets;
using System.Text;

namespace Vdr.Cdc.Host.Demo;

/// <summary>
/// Finds a Docker engine that answers, quickly and without hanging: <c>DOCKER_HOST</c> when set (unix:// or tcp://),
/// else the usual sockets (<c>/var/run/docker.sock</c>, rootless <c>$XDG_RUNTIME_DIR/docker.sock</c>, Docker Desktop's
/// <c>~/.docker/run/docker.sock</c>). Each candidate gets one <c>GET /_ping</c> with a short timeout.
/// </summary>
internal static class DockerProbe
{
    /// <summary>The outcome: <see cref="Endpoint"/> is set when an engine answered; <see cref="Reason"/> says why not otherwise.</summary>
    public sealed record Result(string? Endpoint, string Reason);

    /// <summary>Probes <c>DOCKER_HOST</c>, else <see cref="DefaultSockets"/>.</summary>
    public static Task<Result> FindAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        FindAsync(Environment.GetEnvironmentVariable("DOCKER_HOST"), DefaultSockets(), timeout, cancellationToken);

    /// <summary>Probes <paramref name="dockerHost"/> when set (and nothing else), else each existing socket of <paramref name="sockets"/>.</summary>
    public static async Task<Result> FindAsync(string? dockerHost, IEnumerable<string> sockets, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            return await PingAsync(dockerHost, timeout, cancellationToken).ConfigureAwait(false)
                ? new Result(dockerHost, "DOCKER_HOST answers")
                : new Result(null, $"DOCKER_HOST={dockerHost} does not answer");
        }

        var existing = sockets.Where(File.Exists).ToList();
        foreach (var socket in existing)
        {
            if (await PingAsync("unix://" + socket, timeout, cancellationToken).ConfigureAwait(false))
            {
                return new Result("unix://" + socket, socket + " answers");
            }
        }

        return new Result(null, existing.Count == 0
            ? "no Docker engine (DOCKER_HOST is not set and there is no /var/run/docker.sock)"
            : $"no Docker engine answers at {string.Join(", ", existing)}");
    }

    /// <summary>Where engines listen by default: rootful, rootless (<c>$XDG_RUNTIME_DIR</c>), Docker Desktop.</summary>
    public static IEnumerable<string> DefaultSockets()
    {
        yield return "/var/run/docker.sock";
        if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtimeDir)
        {
            yield return Path.Combine(runtimeDir, "docker.sock");
        }

        if (Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home)
        {
            yield return Path.Combine(home, ".docker", "run", "docker.sock");
        }
    }

    private static async Task<bool> PingAsync(string endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var socket = await ConnectAsync(endpoint, cts.Token).ConfigureAwait(false);
            if (socket is null)
            {
                return false;
            }

            if (endpoint.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) && Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is { Length: > 0 })
            {
                // A TLS endpoint: that it accepts connections is as far as a quick probe goes.
                return true;
            }

            await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, cts.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token).ConfigureAwait(false);
            var status = Encoding.ASCII.GetString(buffer, 0, read);
            return status.StartsWith("HTTP/1.", StringComparison.Ordinal) && status.Length >= 12 && status[9..12] == "200";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<Socket?> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        Socket socket;
        if (endpoint.StartsWith("unix://", StringComparison.OrdinalIgnoreCase))
        {
            var path = endpoint["unix://".Length..];
            if (!File.Exists(path))
            {
                return null;
            }

            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            return socket;
        }

        if (endpoint.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate("http://" + endpoint["tcp://".Length..], UriKind.Absolute, out var uri))
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(uri.Host, uri.Port, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            return socket;
        }

        // npipe:// (Windows) and ssh:// are not probed: let Testcontainers try them.
        return null;
    }
}
