using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>
/// CRC-64/Jones as Redis computes it (src/crc64.c): polynomial 0xad93d23594c935a9, reflected input and output,
/// initial value 0, no final xor. Check value: "123456789" gives 0xe9c6d914c4b8d9ca. Inputs of
/// <see cref="FoldThreshold"/> bytes and more are folded with carry-less multiplication where the CPU has it
/// (PCLMULQDQ, Crc64.Folding.cs; 512-bit VPCLMULQDQ from <see cref="Fold512Threshold"/> bytes, Crc64.Folding512.cs);
/// shorter inputs, the last bytes of a fold and other CPUs use slicing-by-16 tables.
/// </summary>
public static partial class Crc64
{
    /// <summary>The Jones polynomial in normal form (the x^64 term implicit).</summary>
    private const ulong Polynomial = 0xAD93D23594C935A9UL;

    /// <summary>The Jones polynomial bit-reversed, as used by the reflected algorithm.</summary>
    private const ulong ReflectedPolynomial = 0x95AC9329AC4BC9B5UL;

    private static readonly ulong[] Table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> over <paramref name="data"/>.</summary>
    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        if (Pclmulqdq.V512.IsSupported && data.Length >= Fold512Threshold)
        {
            return UpdateFolded512(crc, data);
        }

        return Pclmulqdq.IsSupported && data.Length >= FoldThreshold ? UpdateFolded(crc, data) : UpdateTable(crc, data);
    }

    /// <summary>CRC64 of <paramref name="data"/> from a zero start.</summary>
    public static ulong Compute(ReadOnlySpan<byte> data) => Update(0, data);

    /// <summary>Continues <paramref name="crc"/> over <paramref name="data"/> with the slicing-by-16 tables only.</summary>
    internal static ulong UpdateTable(ulong crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 16)
        {
            crc = Step16(
                BinaryPrimitives.ReadUInt64LittleEndian(data) ^ crc,
                BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(8)));
            data = data.Slice(16);
        }

        var t = Table.AsSpan(0, 256);
        foreach (var x in data)
        {
            crc = t[(int)((crc ^ x) & 0xFF)] ^ (crc >> 8);
        }

        return crc;
    }

    /// <summary>The CRC (from zero) of the 16 bytes whose little-endian qwords are <paramref name="a"/>, <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Step16(ulong a, ulong b)
    {
        var t = Table.AsSpan();
        return t[(15 * 256) + (int)(a & 0xFF)]
            ^ t[(14 * 256) + (int)((a >> 8) & 0xFF)]
            ^ t[(13 * 256) + (int)((a >> 16) & 0xFF)]
            ^ t[(12 * 256) + (int)((a >> 24) & 0xFF)]
            ^ t[(11 * 256) + (int)((a >> 32) & 0xFF)]
            ^ t[(10 * 256) + (int)((a >> 40) & 0xFF)]
            ^ t[(9 * 256) + (int)((a >> 48) & 0xFF)]
            ^ t[(8 * 256) + (int)(a >> 56)]
            ^ t[(7 * 256) + (int)(b & 0xFF)]
            ^ t[(6 * 256) + (int)((b >> 8) & 0xFF)]
            ^ t[(5 * 256) + (int)((b >> 16) & 0xFF)]
            ^ t[(4 * 256) + (int)((b >> 24) & 0xFF)]
            ^ t[(3 * 256) + (int)((b >> 32) & 0xFF)]
            ^ t[(2 * 256) + (int)((b >> 40) & 0xFF)]
            ^ t[256 + (int)((b >> 48) & 0xFF)]
            ^ t[(int)(b >> 56)];
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[16 * 256];
        for (var b = 0; b < 256; b++)
        {
            var crc = (ulong)b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }

            table[b] = crc;
        }

        // table[s][b]: the CRC contribution of byte b followed by s zero bytes.
        for (var b = 0; b < 256; b++)
        {
            var crc = table[b];
            for (var s = 1; s < 16; s++)
            {
                crc = table[(int)(crc & 0xFF)] ^ (crc >> 8);
                table[(s * 256) + b] = crc;
            }
        }

        return table;
    }
}
