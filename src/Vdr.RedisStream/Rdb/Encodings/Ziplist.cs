using System.Buffers.Binary;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>
/// Forward reader of a ziplist (Redis src/ziplist.c): zlbytes, zltail, zllen (65535 = unknown), entries
/// (prevlen, encoding, data) and the 0xFF end marker. Bounds, prevlen chain and the tail offset are verified.
/// </summary>
internal static class Ziplist
{
    public const int HeaderSize = 10;
    private const byte EndMarker = 0xFF;

    /// <summary>Checks the header; returns the element count from the header (-1 when unknown).</summary>
    public static int ReadHeader(ReadOnlySpan<byte> zl, in BlobContext context, out ZiplistCursor cursor)
    {
        if (zl.Length < HeaderSize + 1)
        {
            context.Fail($"expected at least {HeaderSize + 1} bytes (header and end marker), found {zl.Length}", 0);
        }

        var total = BinaryPrimitives.ReadUInt32LittleEndian(zl);
        if (total != (uint)zl.Length)
        {
            context.Fail($"header says {total} bytes but the blob has {zl.Length}", 0);
        }

        var tail = BinaryPrimitives.ReadUInt32LittleEndian(zl.Slice(4));
        if (tail < HeaderSize || tail >= (uint)zl.Length)
        {
            context.Fail($"tail offset {tail} is outside the ziplist", 4);
        }

        if (zl[^1] != EndMarker)
        {
            context.Fail($"expected the end marker 0xFF as last byte, found 0x{zl[^1]:X2}", zl.Length - 1);
        }

        cursor = new ZiplistCursor { Position = HeaderSize, PreviousLength = 0, Tail = (int)tail };
        int count = BinaryPrimitives.ReadUInt16LittleEndian(zl.Slice(8));
        return count == ushort.MaxValue ? -1 : count;
    }

    /// <summary>Reads the entry at the cursor; false at the end marker.</summary>
    public static bool TryReadNext(ReadOnlySpan<byte> zl, ref ZiplistCursor cursor, in BlobContext context, out CompactEntry entry)
    {
        var p = cursor.Position;
        var limit = zl.Length - 1;
        if (p > limit)
        {
            context.Fail("entry position past the end marker", p);
        }

        if (zl[p] == EndMarker)
        {
            if (p != limit)
            {
                context.Fail($"end marker found {limit - p} bytes before the end of the blob", p);
            }

            var expectedTail = cursor.LastEntry == 0 ? HeaderSize : cursor.LastEntry;
            if (cursor.Tail != expectedTail)
            {
                context.Fail($"tail offset is {cursor.Tail} but the last entry starts at {expectedTail}", 4);
            }

            entry = default;
            return false;
        }

        int prevLen;
        int prevLenSize;
        if (zl[p] < 254)
        {
            prevLen = zl[p];
            prevLenSize = 1;
        }
        else
        {
            if (5 > limit - p)
            {
                context.Fail("5-byte prevlen goes past the end of the ziplist", p);
            }

            var v = BinaryPrimitives.ReadUInt32LittleEndian(zl.Slice(p + 1));
            prevLen = v > int.MaxValue ? -1 : (int)v;
            prevLenSize = 5;
        }

        if (prevLen != cursor.PreviousLength)
        {
            context.Fail($"entry prevlen is {prevLen} but the previous entry is {cursor.PreviousLength} bytes long", p);
        }

        var e = p + prevLenSize;
        if (e >= limit)
        {
            context.Fail("entry encoding goes past the end of the ziplist", e);
        }

        var b = zl[e];
        int headerLen;
        long dataLen;
        switch (b >> 6)
        {
            case 0:
                headerLen = 1;
                dataLen = b & 0x3F;
                entry = CompactEntry.FromString(e + 1, (int)dataLen);
                break;
            case 1:
                Need(e, 2, limit, context, "14-bit string length");
                headerLen = 2;
                dataLen = ((b & 0x3F) << 8) | zl[e + 1];
                entry = CompactEntry.FromString(e + 2, (int)dataLen);
                break;
            case 2:
                Need(e, 5, limit, context, "32-bit string length");
                headerLen = 5;
                dataLen = BinaryPrimitives.ReadUInt32BigEndian(zl.Slice(e + 1));
                if (dataLen > limit - e)
                {
                    context.Fail($"string of {dataLen} bytes goes past the end of the ziplist", e);
                }

                entry = CompactEntry.FromString(e + 5, (int)dataLen);
                break;
            default:
                dataLen = 0;
                switch (b)
                {
                    case 0xC0:
                        Need(e, 3, limit, context, "16-bit integer");
                        entry = CompactEntry.FromInteger(BinaryPrimitives.ReadInt16LittleEndian(zl.Slice(e + 1)));
                        headerLen = 3;
                        break;
                    case 0xD0:
                        Need(e, 5, limit, context, "32-bit integer");
                        entry = CompactEntry.FromInteger(BinaryPrimitives.ReadInt32LittleEndian(zl.Slice(e + 1)));
                        headerLen = 5;
                        break;
                    case 0xE0:
                        Need(e, 9, limit, context, "64-bit integer");
                        entry = CompactEntry.FromInteger(BinaryPrimitives.ReadInt64LittleEndian(zl.Slice(e + 1)));
                        headerLen = 9;
                        break;
                    case 0xF0:
                        Need(e, 4, limit, context, "24-bit integer");
                        var u24 = zl[e + 1] | (zl[e + 2] << 8) | (zl[e + 3] << 16);
                        entry = CompactEntry.FromInteger((u24 << 8) >> 8);
                        headerLen = 4;
                        break;
                    case 0xFE:
                        Need(e, 2, limit, context, "8-bit integer");
                        entry = CompactEntry.FromInteger((sbyte)zl[e + 1]);
                        headerLen = 2;
                        break;
                    case >= 0xF1 and <= 0xFD:
                        entry = CompactEntry.FromInteger((b & 0x0F) - 1);
                        headerLen = 1;
                        break;
                    default:
                        context.Fail($"invalid entry encoding byte 0x{b:X2}", e);
                        entry = default;
                        return false;
                }

                break;
        }

        var total = prevLenSize + headerLen + dataLen;
        if (total > limit - p)
        {
            context.Fail($"entry of {total} bytes goes past the end of the ziplist", p);
        }

        cursor.LastEntry = p;
        cursor.PreviousLength = (int)total;
        cursor.Position = p + (int)total;
        return true;
    }

    private static void Need(int p, int n, int limit, in BlobContext context, string what)
    {
        if (n > limit - p)
        {
            context.Fail($"{what} entry needs {n} bytes but only {limit - p} remain before the end marker", p);
        }
    }
}

/// <summary>Where a ziplist walk is.</summary>
internal struct ZiplistCursor
{
    public int Position;
    public int PreviousLength;
    public int LastEntry;
    public int Tail;
}
