using System.Net.Security;
using System.Net.Sockets;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Transport;

/// <summary>
/// One TCP (or TLS) connection to a Redis node: connect with a timeout, serialized writes, and the raw stream
/// that the spool drains. Never reused after a failure.
/// </summary>
internal sealed partial class ReplicationConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private ReplicationConnection(Socket socket, Stream stream, string endPoint)
    {
        _socket = socket;
        Stream = stream;
        EndPoint = endPoint;
    }

    public Stream Stream { get; }

    public string EndPoint { get; }

    /// <summary>Connects to host:port within <see cref="RedisReplicaOptions.ConnectTimeout"/> (TLS handshake included).</summary>
    public static async Task<ReplicationConnection> ConnectAsync(string host, int port, bool useTls, RedisReplicaOptions options, CancellationToken cancellationToken)
    {
        var endPoint = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.ReceiveBufferSize = Math.Max(socket.ReceiveBufferSize, 1 << 20);
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (useTls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(CreateTlsOptions(host, options), timeout.Token).ConfigureAwait(false);
            }

            return new ReplicationConnection(socket, stream, endPoint);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Cleanup(socket, stream);
            throw new RedisReplicationException($"Could not connect to {endPoint} within {options.ConnectTimeout.TotalSeconds:0.###} s (ConnectTimeout).", isTransient: true);
        }
        catch (SocketException ex)
        {
            Cleanup(socket, stream);
            throw new RedisReplicationException($"Could not connect to {endPoint}: {ex.Message}.", isTransient: true, ex);
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            Cleanup(socket, stream);
            throw new RedisReplicationException($"TLS handshake with {endPoint} failed: {ex.Message}", isTransient: false, ex);
        }
        catch (IOException ex)
        {
            Cleanup(socket, stream);
            throw new RedisReplicationException($"Connection to {endPoint} failed during setup: {ex.Message}", isTransient: true, ex);
        }
        catch
        {
            Cleanup(socket, stream);
            throw;
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw new RedisReplicationException($"Write to {EndPoint} failed: {ex.Message}", isTransient: true, ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Reports the socket readable only per <paramref name="lowWater"/> bytes until disposed (see <see cref="ReceiveBatching"/>).</summary>
    public ReceiveBatching BatchReceives(Func<long> receivedBytes, int lowWater, TimeSpan tick) =>
        new(_socket, receivedBytes, lowWater, tick);

    /// <summary>Closes the socket at once: a pending read ends with an error.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already closed by the peer
        }
        catch (ObjectDisposedException)
        {
            // already closed by us
        }

        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        await Stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _writeLock.Dispose();
    }

    private static void Cleanup(Socket socket, Stream? stream)
    {
        stream?.Dispose();
        socket.Dispose();
    }
}
