using System.Buffers.Binary;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>
/// Forward reader of a listpack (Redis src/listpack.c): 4-byte total size, 2-byte element count (65535 = unknown),
/// entries (encoding, data, backlen) and the 0xFF end marker. Every entry is bounds-checked and its backlen verified.
/// </summary>
internal static class Listpack
{
    public const int HeaderSize = 6;
    private const byte EndMarker = 0xFF;

    /// <summary>Checks the header and end marker; returns the element count from the header (-1 when unknown).</summary>
    public static int ReadHeader(ReadOnlySpan<byte> lp, in BlobContext context, out int position)
    {
        if (lp.Length < HeaderSize + 1)
        {
            context.Fail($"expected at least {HeaderSize + 1} bytes (header and end marker), found {lp.Length}", 0);
        }

        var total = BinaryPrimitives.ReadUInt32LittleEndian(lp);
        if (total != (uint)lp.Length)
        {
            context.Fail($"header says {total} bytes but the blob has {lp.Length}", 0);
        }

        if (lp[^1] != EndMarker)
        {
            context.Fail($"expected the end marker 0xFF as last byte, found 0x{lp[^1]:X2}", lp.Length - 1);
        }

        position = HeaderSize;
        int count = BinaryPrimitives.ReadUInt16LittleEndian(lp.Slice(4));
        return count == ushort.MaxValue ? -1 : count;
    }

    /// <summary>Reads the entry at <paramref name="position"/>; false at the end marker.</summary>
    public static bool TryReadNext(ReadOnlySpan<byte> lp, ref int position, in BlobContext context, out CompactEntry entry)
    {
        var p = position;
        var limit = lp.Length - 1; // the end marker is not part of any entry
        if (p >= limit)
        {
            if (p == limit)
            {
                entry = default;
                return false;
            }

            context.Fail("entry position past the end marker", p);
        }

        var b = lp[p];
        int headerLen;
        int dataLen;
        if (b < 0x80)
        {
            entry = CompactEntry.FromInteger(b);
            headerLen = 1;
            dataLen = 0;
        }
        else if ((b & 0xC0) == 0x80)
        {
            headerLen = 1;
            dataLen = b & 0x3F;
            entry = CompactEntry.FromString(p + 1, dataLen);
        }
        else if ((b & 0xE0) == 0xC0)
        {
            Need(p, 2, limit, context, "13-bit integer");
            var v = ((b & 0x1F) << 8) | lp[p + 1];
            entry = CompactEntry.FromInteger(v >= 4096 ? v - 8192 : v);
            headerLen = 2;
            dataLen = 0;
        }
        else if ((b & 0xF0) == 0xE0)
        {
            Need(p, 2, limit, context, "12-bit string length");
            headerLen = 2;
            dataLen = ((b & 0x0F) << 8) | lp[p + 1];
            entry = CompactEntry.FromString(p + 2, dataLen);
        }
        else
        {
            switch (b)
            {
                case 0xF0:
                    Need(p, 5, limit, context, "32-bit string length");
                    var len = BinaryPrimitives.ReadUInt32LittleEndian(lp.Slice(p + 1));
                    if (len > (uint)(limit - p))
                    {
                        context.Fail($"string of {len} bytes goes past the end of the listpack", p);
                    }

                    headerLen = 5;
                    dataLen = (int)len;
                    entry = CompactEntry.FromString(p + 5, dataLen);
                    break;
                case 0xF1:
                    Need(p, 3, limit, context, "16-bit integer");
                    entry = CompactEntry.FromInteger(BinaryPrimitives.ReadInt16LittleEndian(lp.Slice(p + 1)));
                    headerLen = 3;
                    dataLen = 0;
                    break;
                case 0xF2:
                    Need(p, 4, limit, context, "24-bit integer");
                    var u24 = lp[p + 1] | (lp[p + 2] << 8) | (lp[p + 3] << 16);
                    entry = CompactEntry.FromInteger((u24 << 8) >> 8);
                    headerLen = 4;
                    dataLen = 0;
                    break;
                case 0xF3:
                    Need(p, 5, limit, context, "32-bit integer");
                    entry = CompactEntry.FromInteger(BinaryPrimitives.ReadInt32LittleEndian(lp.Slice(p + 1)));
                    headerLen = 5;
                    dataLen = 0;
                    break;
                case 0xF4:
                    Need(p, 9, limit, context, "64-bit integer");
                    entry = CompactEntry.FromInteger(BinaryPrimitives.ReadInt64LittleEndian(lp.Slice(p + 1)));
                    headerLen = 9;
                    dataLen = 0;
                    break;
                default:
                    context.Fail($"invalid entry encoding byte 0x{b:X2}", p);
                    entry = default;
                    return false;
            }
        }

        var entryLen = headerLen + dataLen;
        if (entryLen > limit - p)
        {
            context.Fail($"entry of {entryLen} bytes goes past the end of the listpack", p);
        }

        var backlenSize = BacklenSize(entryLen);
        var backStart = p + entryLen;
        if (backlenSize > limit - backStart)
        {
            context.Fail("entry backlen goes past the end of the listpack", backStart);
        }

        if (!BacklenMatches(lp.Slice(backStart, backlenSize), entryLen))
        {
            context.Fail($"entry backlen does not encode the entry length {entryLen}", backStart);
        }

        position = backStart + backlenSize;
        return true;
    }

    /// <summary>Size of the backlen field for an entry of <paramref name="entryLen"/> encoding+data bytes.</summary>
    public static int BacklenSize(int entryLen) => entryLen switch
    {
        <= 127 => 1,
        < 16383 => 2,
        < 2097151 => 3,
        < 268435455 => 4,
        _ => 5,
    };

    /// <summary>Writes the backlen of an entry the way Redis's lpEncodeBacklen does; returns its size.</summary>
    public static int EncodeBacklen(int entryLen, Span<byte> buffer)
    {
        var size = BacklenSize(entryLen);
        var l = (uint)entryLen;

        // The first byte carries the highest 7-bit group without the continuation bit; the following bytes
        // carry lower groups with bit 7 set, the last byte holding the lowest group.
        for (var i = size - 1; i >= 0; i--)
        {
            var group = (byte)(l & 127);
            buffer[i] = i == 0 ? group : (byte)(group | 128);
            l >>= 7;
        }

        return size;
    }

    private static bool BacklenMatches(ReadOnlySpan<byte> actual, int entryLen)
    {
        Span<byte> expected = stackalloc byte[5];
        var size = EncodeBacklen(entryLen, expected);
        return actual.SequenceEqual(expected[..size]);
    }

    private static void Need(int p, int n, int limit, in BlobContext context, string what)
    {
        if (n > limit - p)
        {
            context.Fail($"{what} entry needs {n} bytes but only {limit - p} remain before the end marker", p);
        }
    }
}
