using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vdr.RedisStream.Tests.Replication;

/// <summary>
/// Plays a diskless Redis 7.0 primary for one replica: answers the handshake, sends an empty RDB with an end mark,
/// then, like Redis, ignores REPLCONF ACKs until it has "handled the end of the transfer" (<c>onlineAfter</c>
/// later) and starts the stream (one buffered <c>SET after 1</c>) on the first ACK after that.
/// </summary>
internal sealed class SlowOnlinePrimary : IAsyncDisposable
{
    private static readonly byte[] EmptyRdb = [.. "REDIS0009"u8, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0];
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _cts = new();
    private readonly TimeSpan _onlineAfter;
    private readonly Task _serve;
    private int _ignoredAcks;

    private SlowOnlinePrimary(TimeSpan onlineAfter)
    {
        _onlineAfter = onlineAfter;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _serve = Task.Run(() => ServeAsync(_cts.Token));
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>ACKs that arrived before the primary was ready to put the replica online.</summary>
    public int IgnoredAcks => Volatile.Read(ref _ignoredAcks);

    public static SlowOnlinePrimary Start(TimeSpan onlineAfter) => new(onlineAfter);

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _listener.Stop();
        await _serve.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _cts.Dispose();
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
        client.NoDelay = true;
        var stream = client.GetStream();
        var input = new BufferedStream(stream);
        long transferEnded = 0;
        var online = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var command = await ReadCommandAsync(input, cancellationToken);
            if (command is null)
            {
                return;
            }

            var name = command[0].ToUpperInvariant();
            if (name == "PING")
            {
                await WriteAsync(stream, "+PONG\r\n"u8.ToArray(), cancellationToken);
            }
            else if (name == "REPLCONF" && command.Length > 1 && command[1].Equals("ACK", StringComparison.OrdinalIgnoreCase))
            {
                if (online || transferEnded == 0)
                {
                    continue;
                }

                if (Stopwatch.GetElapsedTime(transferEnded) < _onlineAfter)
                {
                    Interlocked.Increment(ref _ignoredAcks);
                    continue;
                }

                online = true;
                await WriteAsync(stream, "*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n"u8.ToArray(), cancellationToken);
            }
            else if (name == "REPLCONF")
            {
                await WriteAsync(stream, "+OK\r\n"u8.ToArray(), cancellationToken);
            }
            else if (name == "PSYNC")
            {
                var mark = new string('7', 40);
                var reply = Encoding.ASCII.GetBytes($"+FULLRESYNC {new string('a', 40)} 0\r\n$EOF:{mark}\r\n");
                await WriteAsync(stream, [.. reply, .. EmptyRdb, .. Encoding.ASCII.GetBytes(mark)], cancellationToken);
                transferEnded = Stopwatch.GetTimestamp();
            }
        }
    }

    private static async Task WriteAsync(NetworkStream stream, byte[] bytes, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads one RESP array of bulk strings; skips the bare newlines a replica sends as keepalives.</summary>
    private static async Task<string[]?> ReadCommandAsync(Stream input, CancellationToken cancellationToken)
    {
        string? header;
        do
        {
            header = await ReadLineAsync(input, cancellationToken);
            if (header is null)
            {
                return null;
            }
        }
        while (header.Length == 0);

        var count = int.Parse(header.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var args = new string[count];
        for (var i = 0; i < count; i++)
        {
            var length = int.Parse((await ReadLineAsync(input, cancellationToken))!.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            var bytes = new byte[length + 2];
            await input.ReadExactlyAsync(bytes, cancellationToken);
            args[i] = Encoding.ASCII.GetString(bytes, 0, length);
        }

        return args;
    }

    private static async Task<string?> ReadLineAsync(Stream input, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await input.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }
    }
}
