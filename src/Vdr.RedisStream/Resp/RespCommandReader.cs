using System.Buffers;
using System.Runtime.CompilerServices;

namespace Vdr.RedisStream.Resp;

/// <summary>
/// Resumable reader of the replication command stream: RESP arrays of bulk strings (<c>*N\r\n$len\r\n...\r\n</c>)
/// and inline commands. It counts exact frame bytes: <see cref="Offset"/> moves by the size of each consumed part
/// of a frame, so replication offsets come from frames, never from bytes received. Bare empty lines between
/// frames (keepalive newlines) are skipped and not counted: Redis never puts them in its replication backlog.
/// </summary>
/// <remarks>
/// Feed it whatever bytes have arrived; it consumes complete arguments (a partially received frame keeps the
/// arguments read so far), and never allocates for a length before all of that length's bytes are there.
/// </remarks>
public sealed class RespCommandReader
{
    private readonly RespReaderLimits _limits;
    private long _offset;
    private long _frameStart;
    private long _expectedArgs = -1;
    private List<byte[]>? _args;

    public RespCommandReader(long startOffset = 0, RespReaderLimits? limits = null)
    {
        _offset = startOffset;
        _limits = limits ?? RespReaderLimits.Default;
    }

    /// <summary>Stream offset right after the last byte consumed (the end of the last complete frame when <see cref="InFrame"/> is false).</summary>
    public long Offset => _offset;

    /// <summary>True while a frame has been started but not completed.</summary>
    public bool InFrame => _expectedArgs >= 0;

    /// <summary>Offset of the last completed frame's end, or of the current frame's first byte while inside one.</summary>
    public long FrameBoundary => InFrame ? _frameStart : _offset;

    /// <summary>
    /// Reads the next complete command from <paramref name="buffer"/>, which is sliced past everything consumed
    /// (also when no command is complete yet: call again with the rest plus new bytes).
    /// </summary>
    /// <returns>True with a command; false when more bytes are needed.</returns>
    /// <exception cref="RespProtocolException">The bytes are not RESP.</exception>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out RespCommand command)
    {
        var reader = new SequenceReader<byte>(buffer);
        try
        {
            return TryReadCore(ref reader, out command);
        }
        finally
        {
            buffer = buffer.Slice(reader.Position);
        }
    }

    private bool TryReadCore(ref SequenceReader<byte> reader, out RespCommand command)
    {
        command = default;
        while (_expectedArgs < 0)
        {
            if (!reader.TryPeek(out var first))
            {
                return false;
            }

            if (first == (byte)'\n')
            {
                reader.Advance(1);
                continue;
            }

            if (first == (byte)'\r')
            {
                if (!reader.TryPeek(1, out var second))
                {
                    return false;
                }

                if (second != (byte)'\n')
                {
                    Throw(_offset + 1, "\"\\n\" after \"\\r\"", Describe(reader, 1));
                }

                reader.Advance(2);
                continue;
            }

            if (first != (byte)'*')
            {
                var inline = TryReadInline(ref reader, out command);
                if (inline == InlineResult.Blank)
                {
                    continue;
                }

                return inline == InlineResult.Command;
            }

            var attempt = reader;
            if (!TryReadLength(ref attempt, (byte)'*', _offset, out var count, out var headerBytes))
            {
                return false;
            }

            if (count <= 0 || count > _limits.MaxArguments)
            {
                Throw(_offset + 1, $"an argument count between 1 and {_limits.MaxArguments}", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            reader = attempt;
            _frameStart = _offset;
            _offset += headerBytes;
            _expectedArgs = count;
            _args = new List<byte[]>((int)Math.Min(count, 16));
        }

        var args = _args!;
        while (args.Count < _expectedArgs)
        {
            var attempt = reader;
            if (!attempt.TryPeek(out var prefix))
            {
                return false;
            }

            if (prefix != (byte)'$')
            {
                Throw(_offset, "'$' (a bulk string argument)", Describe(attempt, 0));
            }

            if (!TryReadLength(ref attempt, (byte)'$', _offset, out var length, out var headerBytes))
            {
                return false;
            }

            if (length < 0 || length > _limits.MaxBulkBytes)
            {
                Throw(_offset + 1, $"a bulk length between 0 and {_limits.MaxBulkBytes}", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (attempt.Remaining < length + 2)
            {
                return false;
            }

            var value = length == 0 ? [] : new byte[length];
            attempt.TryCopyTo(value);
            attempt.Advance(length);
            if (!attempt.TryRead(out var cr) || cr != (byte)'\r' || !attempt.TryRead(out var lf) || lf != (byte)'\n')
            {
                var at = _offset + headerBytes + length;
                var view = reader;
                view.Advance(headerBytes + length);
                Throw(at, "\"\\r\\n\" after the bulk string", Describe(view, 0));
            }

            args.Add(value);
            reader = attempt;
            _offset += headerBytes + length + 2;
        }

        command = new RespCommand([.. args], _frameStart, _offset);
        _expectedArgs = -1;
        _args = null;
        return true;
    }

    private enum InlineResult
    {
        NeedMore,
        Command,
        Blank,
    }

    private InlineResult TryReadInline(ref SequenceReader<byte> reader, out RespCommand command)
    {
        command = default;
        var attempt = reader;
        if (!attempt.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (reader.Remaining > _limits.MaxInlineBytes)
            {
                Throw(_offset + _limits.MaxInlineBytes, $"an inline command line shorter than {_limits.MaxInlineBytes} bytes", "no newline");
            }

            return InlineResult.NeedMore;
        }

        if (line.Length > _limits.MaxInlineBytes)
        {
            Throw(_offset + _limits.MaxInlineBytes, $"an inline command line shorter than {_limits.MaxInlineBytes} bytes", $"{line.Length} bytes");
        }

        var text = line.ToArray().AsSpan();
        if (text.Length > 0 && text[^1] == (byte)'\r')
        {
            text = text[..^1];
        }

        var parts = new List<byte[]>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            var start = i;
            while (i < text.Length && text[i] is not ((byte)' ' or (byte)'\t'))
            {
                i++;
            }

            if (i > start)
            {
                parts.Add(text[start..i].ToArray());
            }
        }

        var consumed = line.Length + 1;
        reader = attempt;
        if (parts.Count == 0)
        {
            // A line of blanks is a keepalive, like an empty line: skipped and not counted.
            return InlineResult.Blank;
        }

        var start0 = _offset;
        _offset += consumed;
        command = new RespCommand([.. parts], start0, _offset);
        return InlineResult.Command;
    }

    /// <summary>Reads "&lt;prefix&gt;[-]digits\r\n"; false if incomplete. Throws on anything else.</summary>
    private static bool TryReadLength(ref SequenceReader<byte> reader, byte prefix, long baseOffset, out long value, out int headerBytes)
    {
        value = 0;
        headerBytes = 0;
        var start = reader.Consumed;
        if (!reader.TryRead(out var p))
        {
            return false;
        }

        if (p != prefix)
        {
            Throw(baseOffset, $"'{(char)prefix}'", RespAscii.Describe([p]));
        }

        var negative = false;
        var digits = 0;
        while (true)
        {
            if (!reader.TryRead(out var b))
            {
                return false;
            }

            var at = baseOffset + (reader.Consumed - start) - 1;
            if (b == (byte)'-' && digits == 0 && !negative)
            {
                negative = true;
                continue;
            }

            if (b is >= (byte)'0' and <= (byte)'9')
            {
                if (++digits > 18)
                {
                    Throw(at, "a length of at most 18 digits", "more digits");
                }

                value = (value * 10) + (b - '0');
                continue;
            }

            if (b == (byte)'\r' && digits > 0)
            {
                if (!reader.TryRead(out var lf))
                {
                    return false;
                }

                if (lf != (byte)'\n')
                {
                    Throw(at + 1, "\"\\n\" ending the length line", RespAscii.Describe([lf]));
                }

                break;
            }

            Throw(at, digits == 0 ? "a decimal digit" : "a decimal digit or \"\\r\\n\"", RespAscii.Describe([b]));
        }

        if (negative)
        {
            value = -value;
        }

        headerBytes = (int)(reader.Consumed - start);
        return true;
    }

    private static string Describe(SequenceReader<byte> reader, int skip)
    {
        if (reader.Remaining <= skip)
        {
            return "end of data";
        }

        reader.Advance(skip);
        Span<byte> sample = stackalloc byte[(int)Math.Min(24, reader.Remaining)];
        reader.TryCopyTo(sample);
        return RespAscii.Describe(sample);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Throw(long offset, string expected, string found) => throw new RespProtocolException(offset, expected, found);
}
