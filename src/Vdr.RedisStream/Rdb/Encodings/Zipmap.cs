using System.Buffers.Binary;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>
/// A zipmap (Redis 2.x hashes, src/zipmap.c): 1-byte count (254+ = unknown), then key length, key, value length,
/// 1-byte free count, value, free padding, repeated; 0xFF ends it. Lengths are 1 byte (0-253) or 254 + 4 bytes LE.
/// </summary>
internal static class Zipmap
{
    private const byte EndMarker = 0xFF;

    public static void ValidateHeader(ReadOnlySpan<byte> zm, in BlobContext context)
    {
        if (zm.Length < 2)
        {
            context.Fail($"expected at least 2 bytes, found {zm.Length}", 0);
        }

        if (zm[^1] != EndMarker)
        {
            context.Fail($"expected the end marker 0xFF as last byte, found 0x{zm[^1]:X2}", zm.Length - 1);
        }
    }

    /// <summary>Reads the pair at <paramref name="position"/>; false at the end marker.</summary>
    public static bool TryReadNext(ReadOnlySpan<byte> zm, ref int position, in BlobContext context, out CompactEntry field, out CompactEntry value)
    {
        var p = position;
        if (p >= zm.Length)
        {
            context.Fail("entry position past the end", p);
        }

        if (zm[p] == EndMarker)
        {
            if (p != zm.Length - 1)
            {
                context.Fail($"end marker found {zm.Length - 1 - p} bytes before the end of the blob", p);
            }

            field = value = default;
            return false;
        }

        var keyLen = ReadLength(zm, ref p, context);
        if (keyLen > zm.Length - 1 - p)
        {
            context.Fail($"key of {keyLen} bytes goes past the end of the zipmap", p);
        }

        field = CompactEntry.FromString(p, (int)keyLen);
        p += (int)keyLen;
        var valueLen = ReadLength(zm, ref p, context);
        if (p >= zm.Length - 1)
        {
            context.Fail("free byte goes past the end of the zipmap", p);
        }

        int free = zm[p++];
        if ((ulong)valueLen + (ulong)free > (ulong)(zm.Length - 1 - p))
        {
            context.Fail($"value of {valueLen} bytes plus {free} free bytes goes past the end of the zipmap", p);
        }

        value = CompactEntry.FromString(p, (int)valueLen);
        position = p + (int)valueLen + free;
        return true;
    }

    private static uint ReadLength(ReadOnlySpan<byte> zm, ref int p, in BlobContext context)
    {
        if (p >= zm.Length - 1)
        {
            context.Fail("length goes past the end of the zipmap", p);
        }

        var b = zm[p];
        if (b < 254)
        {
            p++;
            return b;
        }

        if (b == EndMarker || 5 > zm.Length - 1 - p)
        {
            context.Fail(b == EndMarker ? "unexpected end marker where a length was expected" : "5-byte length goes past the end of the zipmap", p);
        }

        var v = BinaryPrimitives.ReadUInt32LittleEndian(zm.Slice(p + 1));
        p += 5;
        return v;
    }
}
