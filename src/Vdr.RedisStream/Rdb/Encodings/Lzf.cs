using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>LZF decompression (the liblzf format Redis uses for compressed strings), fully bounds-checked.</summary>
public static class Lzf
{
    /// <summary>The most output one input byte can produce: a 3-byte back-reference copies at most 264 bytes.</summary>
    public const int MaxExpansion = 88;

    /// <summary>Copies move whole 32-byte blocks; they may write past the current op, which later output overwrites.</summary>
    private const int Block = 32;

    /// <summary>
    /// Decompresses <paramref name="input"/> into <paramref name="output"/>, which must be exactly the expected size.
    /// Returns null on success, or what is wrong (with the input position).
    /// </summary>
    public static string? Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        ref var src = ref MemoryMarshal.GetReference(input);
        ref var dst = ref MemoryMarshal.GetReference(output);
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

                if (ip + Block <= input.Length && op + Block <= output.Length)
                {
                    // A run is at most 32 bytes: one block, no call to memmove.
                    Vector256.LoadUnsafe(ref src, (nuint)ip).StoreUnsafe(ref dst, (nuint)op);
                }
                else
                {
                    input.Slice(ip, run).CopyTo(output.Slice(op));
                }

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

                CopyBack(output, op, back, len);
                op += len;
            }
        }

        return op == output.Length ? null : $"LZF data decompressed to {op} bytes, expected {output.Length}";
    }

    /// <summary>Copies <paramref name="len"/> bytes from <paramref name="back"/> bytes behind op (they may overlap op's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyBack(Span<byte> output, int op, int back, int len)
    {
        ref var dst = ref MemoryMarshal.GetReference(output);
        var from = op - back;
        if (back >= Block && op + len + Block <= output.Length)
        {
            // Each block reads only bytes already final: the source is at least one block behind.
            for (var k = 0; k < len; k += Block)
            {
                Vector256.LoadUnsafe(ref dst, (nuint)(from + k)).StoreUnsafe(ref dst, (nuint)(op + k));
            }
        }
        else if (back == 1)
        {
            output.Slice(op, len).Fill(output[from]);
        }
        else if (back >= len)
        {
            output.Slice(from, len).CopyTo(output.Slice(op));
        }
        else
        {
            for (var k = 0; k < len; k++)
            {
                output[op + k] = output[from + k];
            }
        }
    }
}
