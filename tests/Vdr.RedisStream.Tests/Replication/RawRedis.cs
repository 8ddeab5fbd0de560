using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Vdr.RedisStream.Resp;

namespace Vdr.RedisStream.Tests.Replication;

/// <summary>A minimal RESP2 client for tests: sends commands exactly as given (case included) and parses replies.</summary>
internal sealed class RawRedis : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly BufferedStream _stream;

    private RawRedis(TcpClient client)
    {
        _client = client;
        _stream = new BufferedStream(client.GetStream(), 1 << 16);
    }

    public static async Task<RawRedis> ConnectAsync(int port, string? user = null, string? password = null)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        var raw = new RawRedis(client);
        if (password is not null)
        {
            await raw.CallAsync(user is null ? ["AUTH", password] : ["AUTH", user, password]);
        }

        return raw;
    }

    public async Task<object?> CallAsync(params string[] args)
    {
        await SendAsync(args);
        return await ReadReplyAsync();
    }

    public async Task SendAsync(params string[] args)
    {
        await _stream.WriteAsync(RespWriter.Command(args));
        await _stream.FlushAsync();
    }

    public async Task<string> InfoAsync(string field, string section = "replication")
    {
        var info = (string)(await CallAsync("INFO", section))!;
        foreach (var line in info.Split("\r\n"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return line[(field.Length + 1)..];
            }
        }

        throw new InvalidOperationException($"INFO {section} has no {field}:\n{info}");
    }

    public async Task<long> InfoInt64Async(string field, string section = "replication") =>
        long.Parse(await InfoAsync(field, section), CultureInfo.InvariantCulture);

    public Task<long> MasterOffsetAsync() => InfoInt64Async("master_repl_offset");

    public async Task<object?> ReadReplyAsync()
    {
        var line = await ReadLineAsync();
        switch (line[0])
        {
            case '+':
                return line[1..];
            case '-':
                throw new RawRedisException(line[1..]);
            case ':':
                return long.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var data = new byte[length + 2];
                await _stream.ReadExactlyAsync(data);
                return Encoding.UTF8.GetString(data, 0, length);
            case '*':
                var count = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadReplyAsync();
                }

                return items;
            default:
                throw new InvalidOperationException($"Unexpected reply line '{line}'");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
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

internal sealed class RawRedisException(string message) : Exception(message);
