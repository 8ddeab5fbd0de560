using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>
/// Carry-less multiplication folding. In the reflected representation a little-endian qword w stands for the
/// polynomial whose x^(63-i) coefficient is bit i of w, so a 16-byte block read as a <see cref="Vector128{T}"/> of
/// qwords (L, H) stands for L·x^64 + H, and the CRC of a message M is M·x^64 mod P. Continuing from a crc is xoring it
/// into the first qword. The message so far is kept as a 128-bit remainder X ≡ M (mod P); appending D bits of data
/// moves X to X·x^D = L·x^(64+D) + H·x^D ≡ L·(x^(64+D-1) mod P)·x + H·(x^(D-1) mod P)·x, and PCLMULQDQ on reflected
/// operands supplies the ·x: the 127-bit product of two reflected qwords, read as a reflected 128-bit value, is the
/// product times x. At the end the CRC of the message equals the table CRC (from zero) of X's 16 bytes, and the
/// tables finish the tail of fewer than 16 bytes.
/// </summary>
public static partial class Crc64
{
    /// <summary>Inputs from this length on take the folding path (measured: from 16 to 31 bytes the tables are faster).</summary>
    internal const int FoldThreshold = 32;

    /// <summary>Multipliers that move a 128-bit remainder forward by 128, 256, 384 and 512 bits.</summary>
    private static readonly Vector128<ulong> Fold128 = FoldConstants(128);
    private static readonly Vector128<ulong> Fold256 = FoldConstants(256);
    private static readonly Vector128<ulong> Fold384 = FoldConstants(384);
    private static readonly Vector128<ulong> Fold512 = FoldConstants(512);

    /// <summary>
    /// Continues <paramref name="crc"/> over <paramref name="data"/> by carry-less multiplication folding, any length.
    /// Only when <see cref="Pclmulqdq.IsSupported"/>.
    /// </summary>
    internal static ulong UpdateFolded(ulong crc, ReadOnlySpan<byte> data)
    {
        if (data.Length < 16)
        {
            return UpdateTable(crc, data);
        }

        ref var p = ref MemoryMarshal.GetReference(data);
        var length = (nuint)data.Length;
        Vector128<ulong> x;
        nuint offset;
        if (length >= 64)
        {
            // Four independent lanes, each moved forward by 512 bits per 64-byte stride, hide the multiply latency.
            var x0 = Load(ref p, 0) ^ Vector128.CreateScalar(crc);
            var x1 = Load(ref p, 16);
            var x2 = Load(ref p, 32);
            var x3 = Load(ref p, 48);
            var k512 = Fold512;
            for (offset = 64; length - offset >= 64; offset += 64)
            {
                x0 = Fold(x0, k512, Load(ref p, offset));
                x1 = Fold(x1, k512, Load(ref p, offset + 16));
                x2 = Fold(x2, k512, Load(ref p, offset + 32));
                x3 = Fold(x3, k512, Load(ref p, offset + 48));
            }

            x = Fold(x0, Fold384, Fold(x1, Fold256, Fold(x2, Fold128, x3)));
        }
        else
        {
            x = Load(ref p, 0) ^ Vector128.CreateScalar(crc);
            offset = 16;
        }

        return Finish(x, data, offset);
    }

    /// <summary>
    /// Moves the remainder <paramref name="x"/> of the message up to <paramref name="offset"/> over the remaining whole
    /// blocks, then turns it into the CRC and finishes the tail with the tables.
    /// </summary>
    private static ulong Finish(Vector128<ulong> x, ReadOnlySpan<byte> data, nuint offset)
    {
        ref var p = ref MemoryMarshal.GetReference(data);
        var length = (nuint)data.Length;
        var k128 = Fold128;
        for (; length - offset >= 16; offset += 16)
        {
            x = Fold(x, k128, Load(ref p, offset));
        }

        return UpdateTable(Step16(x.ToScalar(), x.GetElement(1)), data.Slice((int)offset));
    }

    /// <summary>
    /// X = L·x^64 + H moved forward by the distance <paramref name="k"/> was made for (see <see cref="FoldConstants"/>),
    /// xor <paramref name="next"/>. Control 0x00 multiplies the low qwords (L by K_L), 0x11 the high ones (H by K_H).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> x, Vector128<ulong> k, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11) ^ next;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load(ref byte p, nuint offset) =>
        Vector128.LoadUnsafe(ref p, offset).AsUInt64();

    /// <summary>
    /// (reflect(x^(64+D-1) mod P), reflect(x^(D-1) mod P)): the multipliers of L and H that move L·x^64 + H forward by
    /// <paramref name="bits"/> = D bits, the missing factor x coming from the reflected product.
    /// </summary>
    internal static Vector128<ulong> FoldConstants(int bits) =>
        Vector128.Create(Reflect(XPowModP(64 + bits - 1)), Reflect(XPowModP(bits - 1)));

    /// <summary>x^<paramref name="n"/> mod P in normal form (bit i is the coefficient of x^i).</summary>
    internal static ulong XPowModP(int n)
    {
        var r = 1UL;
        for (var i = 0; i < n; i++)
        {
            r = (r << 1) ^ ((r >> 63) != 0 ? Polynomial : 0);
        }

        return r;
    }

    /// <summary>Bit i moves to bit 63 - i: normal form to reflected form and back.</summary>
    internal static ulong Reflect(ulong v)
    {
        var r = 0UL;
        for (var i = 0; i < 64; i++)
        {
            r = (r << 1) | ((v >> i) & 1);
        }

        return r;
    }
}
