using System.Buffers.Text;
using System.Text;

namespace Vdr.RedisStream.Resp;

/// <summary>Encodes commands as RESP arrays of bulk strings.</summary>
public static class RespWriter
{
    public static byte[] Command(params string[] args)
    {
        var parts = new byte[args.Length][];
        for (var i = 0; i < args.Length; i++)
        {
            parts[i] = Encoding.UTF8.GetBytes(args[i]);
        }

        return Command(parts);
    }

    public static byte[] Command(IReadOnlyList<byte[]> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var size = 1 + 20 + 2;
        foreach (var a in args)
        {
            size += 1 + 20 + 2 + a.Length + 2;
        }

        var buffer = new byte[size];
        var at = 0;
        WriteHeader(buffer, ref at, (byte)'*', args.Count);
        foreach (var a in args)
        {
            WriteHeader(buffer, ref at, (byte)'$', a.Length);
            a.CopyTo(buffer, at);
            at += a.Length;
            buffer[at++] = (byte)'\r';
            buffer[at++] = (byte)'\n';
        }

        return buffer[..at];
    }

    /// <summary><c>REPLCONF ACK &lt;offset&gt;</c> into <paramref name="destination"/> (at least 64 bytes); returns the length.</summary>
    public static int ReplconfAck(long offset, Span<byte> destination)
    {
        "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$"u8.CopyTo(destination);
        var at = 28;
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(offset, digits, out var n);
        Utf8Formatter.TryFormat(n, destination[at..], out var m);
        at += m;
        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        digits[..n].CopyTo(destination[at..]);
        at += n;
        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        return at;
    }

    private static void WriteHeader(byte[] buffer, ref int at, byte prefix, long value)
    {
        buffer[at++] = prefix;
        Utf8Formatter.TryFormat(value, buffer.AsSpan(at), out var n);
        at += n;
        buffer[at++] = (byte)'\r';
        buffer[at++] = (byte)'\n';
    }
}
