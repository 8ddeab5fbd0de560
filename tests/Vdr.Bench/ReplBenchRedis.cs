using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Vdr.RedisStream.Resp;

namespace Vdr.Bench;

/// <summary>A minimal RESP2 client for the replication benchmark: commands and INFO fields.</summary>
internal sealed class ReplBenchRedis : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly BufferedStream _stream;

    private ReplBenchRedis(TcpClient client)
    {
        _client = client;
        _stream = new BufferedStream(client.GetStream(), 1 << 16);
    }

    public static async Task<ReplBenchRedis> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new ReplBenchRedis(client);
    }

    public async Task<string> CallAsync(params string[] args)
    {
        await _stream.WriteAsync(RespWriter.Command(args));
        await _stream.FlushAsync();
        return await ReadReplyAsync();
    }

    public async Task<long> InfoLongAsync(string field)
    {
        var info = await CallAsync("INFO", "replication");
        foreach (var line in info.Split("\r\n"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length + 1), CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    public async Task<string> InfoAsync(string field)
    {
        var info = await CallAsync("INFO", "replication");
        return info.Split("\r\n").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))?[(field.Length + 1)..] ?? string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private async Task<string> ReadReplyAsync()
    {
        var line = await ReadLineAsync();
        switch (line[0])
        {
            case '+':
            case ':':
                return line[1..];
            case '-':
                throw new InvalidOperationException(line[1..]);
            case '$':
                var length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return string.Empty;
                }

                var data = new byte[length + 2];
                await _stream.ReadExactlyAsync(data);
                return Encoding.UTF8.GetString(data, 0, length);
            case '*':
                var count = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                var parts = new List<string>();
                for (var i = 0; i < count; i++)
                {
                    parts.Add(await ReadReplyAsync());
                }

                return string.Join('\n', parts);
            default:
                throw new InvalidOperationException($"Unexpected reply '{line}'");
        }
    }

    private async Task<string> ReadLineAsync()
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            await _stream.ReadExactlyAsync(one);
            if (one[0] == '\n')
            {
                return sb.ToString().TrimEnd('\r');
            }

            sb.Append((char)one[0]);
        }
    }
}
