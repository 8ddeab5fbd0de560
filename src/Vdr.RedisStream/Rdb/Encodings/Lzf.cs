namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>LZF decompression (the liblzf format Redis uses for compressed strings), fully bounds-checked.</summary>
public static class Lzf
{
    /// <summary>The most output one input byte can produce: a 3-byte back-reference copies at most 264 bytes.</summary>
    public const int MaxExpansion = 88;

    /// <summary>
    /// Decompresses <paramref name="input"/> into <paramref name="output"/>, which must be exactly the expected size.
    /// Returns null on success, or what is wrong (with the input position).
    /// </summary>
    public static string? Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var ip = 0;
        var op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                var run = ctrl + 1;
                if (ip + run > input.Length)
                {
                    return $"LZF literal run of {run} bytes at input byte {ip - 1} goes past the end of the {input.Length}-byte compressed data";
                }

                if (op + run > output.Length)
                {
                    return $"LZF literal run of {run} bytes at input byte {ip - 1} overflows the declared {output.Length}-byte output";
                }

                input.Slice(ip, run).CopyTo(output.Slice(op));
                ip += run;
                op += run;
            }
            else
            {
                var len = ctrl >> 5;
                var start = ip - 1;
                if (len == 7)
                {
                    if (ip >= input.Length)
                    {
                        return $"LZF back-reference at input byte {start} is cut off";
                    }

                    len += input[ip++];
                }

                if (ip >= input.Length)
                {
                    return $"LZF back-reference at input byte {start} is cut off";
                }

                var back = ((ctrl & 0x1F) << 8) + input[ip++] + 1;
                len += 2;
                if (back > op)
                {
                    return $"LZF back-reference at input byte {start} points {back} bytes back but only {op} bytes were produced";
                }

                if (op + len > output.Length)
                {
                    return $"LZF back-reference of {len} bytes at input byte {start} overflows the declared {output.Length}-byte output";
                }

                var from = op - back;
                if (back >= len)
                {
                    output.Slice(from, len).CopyTo(output.Slice(op));
                    op += len;
                }
                else
                {
                    for (var k = 0; k < len; k++)
                    {
                        output[op++] = output[from++];
                    }
                }
            }
        }

        return op == output.Length ? null : $"LZF data decompressed to {op} bytes, expected {output.Length}";
    }
}
