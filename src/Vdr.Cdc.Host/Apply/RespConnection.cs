using System.Buffers;
using System.Buffers.Text;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Vdr.RedisStream.Transport;

namespace Vdr.Cdc.Host.Apply;

/// <summary>
/// A minimal pipelining RESP2 client for the apply target: commands are appended to a buffer as arrays of bulk
/// strings (any command, byte for byte, inside MULTI too, across databases with SELECT), flushed at once, and their
/// replies read in order. StackExchange.Redis binds a transaction to one database, which a replay across databases
/// (SELECT, MOVE, SWAPDB) cannot use.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    private const int MaxBulkLength = 512 * 1024 * 1024;
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private byte[] _input = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RespConnection(TcpClient client, Stream stream, string endPoint)
    {
        _client = client;
        _stream = stream;
        EndPoint = endPoint;
    }

    public string EndPoint { get; }

    /// <summary>Commands appended and not yet flushed.</summary>
    public int Queued { get; private set; }

    public static async Task<RespConnection> ConnectAsync(RedisUrl url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(timeout);
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(url.Host, url.Port, connectTimeout.Token).ConfigureAwait(false);
            Stream stream = client.GetStream();
            if (url.UseTls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = url.Host }, connectTimeout.Token).ConfigureAwait(false);
                stream = ssl;
            }

            var connection = new RespConnection(client, stream, url.EndPoint);
            if (url.Password is not null)
            {
                if (url.Username is not null)
                {
                    connection.Append("AUTH", url.Username, url.Password);
                }
                else
                {
                    connection.Append("AUTH", url.Password);
                }

                var reply = (await connection.FlushAndReadAsync(cancellationToken).ConfigureAwait(false))[0];
                if (reply.IsError)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw new InvalidOperationException($"the target Redis {url.EndPoint} refused AUTH: {reply.Text}");
                }
            }

            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void Append(params string[] args)
    {
        WriteHeader('*', args.Length);
        foreach (var arg in args)
        {
            var length = Encoding.UTF8.GetByteCount(arg);
            WriteHeader('$', length);
            Encoding.UTF8.GetBytes(arg, _output.GetSpan(length));
            _output.Advance(length);
            WriteCrLf();
        }

        Queued++;
    }

    /// <summary>Appends one command: the name, then the arguments byte for byte.</summary>
    public void Append(string name, IReadOnlyList<ReadOnlyMemory<byte>> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        WriteHeader('*', args.Count + 1);
        WriteBulk(Encoding.ASCII.GetBytes(name));
        foreach (var arg in args)
        {
            WriteBulk(arg.Span);
        }

        Queued++;
    }

    /// <summary>Sends every appended command and reads one reply per command.</summary>
    public async Task<RespReply[]> FlushAndReadAsync(CancellationToken cancellationToken)
    {
        var count = Queued;
        Queued = 0;
        await _stream.WriteAsync(_output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _output.ResetWrittenCount();
        var replies = new RespReply[count];
        for (var i = 0; i < count; i++)
        {
            replies[i] = await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        }

        return replies;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    private void WriteBulk(ReadOnlySpan<byte> bytes)
    {
        WriteHeader('$', bytes.Length);
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
        WriteCrLf();
    }

    private void WriteHeader(char type, int length)
    {
        var span = _output.GetSpan(16);
        span[0] = (byte)type;
        Utf8Formatter.TryFormat(length, span[1..], out var written);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        _output.Advance(3 + written);
    }

    private void WriteCrLf()
    {
        var span = _output.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        _output.Advance(2);
    }

    private async ValueTask<RespReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var type = (char)line[0];
        var rest = line.AsSpan(1);
        switch (type)
        {
            case '+' or '-':
                return new RespReply(type, rest.ToArray(), 0, null);
            case ':':
                return new RespReply(type, null, ParseLong(rest), null);
            case '$':
                {
                    var length = ParseLong(rest);
                    if (length < 0)
                    {
                        return new RespReply(type, null, 0, null);
                    }

                    if (length > MaxBulkLength)
                    {
                        throw new InvalidDataException($"the target sent a bulk string of {length} bytes");
                    }

                    var bytes = await ReadExactAsync((int)length + 2, cancellationToken).ConfigureAwait(false);
                    return new RespReply(type, bytes[..^2], 0, null);
                }

            case '*':
                {
                    var count = ParseLong(rest);
                    if (count < 0)
                    {
                        return new RespReply(type, null, 0, null);
                    }

                    var items = new List<RespReply>((int)Math.Min(count, 1024));
                    for (var i = 0; i < count; i++)
                    {
                        items.Add(await ReadReplyAsync(cancellationToken).ConfigureAwait(false));
                    }

                    return new RespReply(type, null, 0, items);
                }

            default:
                throw new InvalidDataException($"the target sent an unexpected RESP type byte 0x{(byte)type:x2}");
        }
    }

    private static long ParseLong(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out long value, out var consumed) && consumed == text.Length
            ? value
            : throw new InvalidDataException($"the target sent '{Encoding.ASCII.GetString(text)}' where a number was expected");

    private async ValueTask<byte[]> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = _input.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var line = _input.AsSpan(_start, index).ToArray();
                _start += index + 2;
                if (line.Length == 0)
                {
                    throw new InvalidDataException("the target sent an empty RESP line");
                }

                return line;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            var n = Math.Min(count - copied, _end - _start);
            _input.AsSpan(_start, n).CopyTo(result.AsSpan(copied));
            _start += n;
            copied += n;
        }

        return result;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _input.AsSpan(_start, _end - _start).CopyTo(_input);
            _end -= _start;
            _start = 0;
        }

        if (_end == _input.Length)
        {
            Array.Resize(ref _input, _input.Length * 2);
        }

        var read = await _stream.ReadAsync(_input.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException($"the target Redis {EndPoint} closed the connection");
        }

        _end += read;
    }
}
