using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>A minimal RESP2 client for filling test servers and reading values back.</summary>
public sealed class MiniRedisClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly BufferedStream _stream;

    public MiniRedisClient(string host, int port)
    {
        _client = new TcpClient(host, port) { ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        _stream = new BufferedStream(_client.GetStream(), 1 << 16);
    }

    public object? Call(params object[] args)
    {
        var sb = new MemoryStream();
        Write(sb, $"*{args.Length}\r\n");
        foreach (var a in args)
        {
            var bytes = a as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(a, CultureInfo.InvariantCulture)!);
            Write(sb, $"${bytes.Length}\r\n");
            sb.Write(bytes);
            Write(sb, "\r\n");
        }

        _stream.Write(sb.ToArray());
        _stream.Flush();
        var reply = ReadReply();
        if (reply is RedisError e)
        {
            throw new InvalidOperationException($"{args[0]}: {e.Message}");
        }

        return reply;
    }

    public string? Str(params object[] args) => Call(args) is byte[] b ? Encoding.UTF8.GetString(b) : null;

    public List<byte[]> Arr(params object[] args) => ((List<object?>)Call(args)!).Select(x => (byte[])x!).ToList();

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }

    private static void Write(Stream s, string text) => s.Write(Encoding.ASCII.GetBytes(text));

    private object? ReadReply()
    {
        var line = ReadLine();
        var rest = line[1..];
        switch (line[0])
        {
            case '+':
                return Encoding.UTF8.GetBytes(rest);
            case '-':
                return new RedisError(rest);
            case ':':
                return long.Parse(rest, CultureInfo.InvariantCulture);
            case '$':
                var len = int.Parse(rest, CultureInfo.InvariantCulture);
                if (len < 0)
                {
                    return null;
                }

                var buf = new byte[len + 2];
                _stream.ReadExactly(buf);
                return buf[..len];
            case '*':
                var n = int.Parse(rest, CultureInfo.InvariantCulture);
                if (n < 0)
                {
                    return null;
                }

                var list = new List<object?>(n);
                for (var i = 0; i < n; i++)
                {
                    list.Add(ReadReply());
                }

                return list;
            default:
                throw new InvalidOperationException($"bad RESP line {line}");
        }
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            var b = _stream.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException();
            }

            if (b == '\r')
            {
                _stream.ReadByte();
                return sb.ToString();
            }

            sb.Append((char)b);
        }
    }

    private sealed record RedisError(string Message);
}
