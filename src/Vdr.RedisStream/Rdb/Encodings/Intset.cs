using System.Buffers.Binary;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>An intset (Redis src/intset.c): 4-byte width (2, 4 or 8), 4-byte count, sorted unique LE integers.</summary>
internal static class Intset
{
    public const int HeaderSize = 8;

    /// <summary>Validates the blob; returns the element width and count.</summary>
    public static int Validate(ReadOnlySpan<byte> blob, in BlobContext context, out int width)
    {
        if (blob.Length < HeaderSize)
        {
            context.Fail($"expected at least {HeaderSize} header bytes, found {blob.Length}", 0);
        }

        var enc = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (enc is not (2 or 4 or 8))
        {
            context.Fail($"element width is {enc}, expected 2, 4 or 8", 0);
        }

        width = (int)enc;
        var count = BinaryPrimitives.ReadUInt32LittleEndian(blob.Slice(4));
        if ((ulong)count * enc + HeaderSize != (ulong)blob.Length)
        {
            context.Fail($"{count} elements of {enc} bytes need {((ulong)count * enc) + HeaderSize} bytes, the blob has {blob.Length}", 4);
        }

        long previous = 0;
        for (var i = 0; i < (int)count; i++)
        {
            var v = Get(blob, width, i);
            if (i > 0 && v <= previous)
            {
                context.Fail($"element {i} ({v}) is not greater than the previous one ({previous})", HeaderSize + (i * width));
            }

            previous = v;
        }

        return (int)count;
    }

    public static long Get(ReadOnlySpan<byte> blob, int width, int index)
    {
        var at = blob.Slice(HeaderSize + (index * width), width);
        return width switch
        {
            2 => BinaryPrimitives.ReadInt16LittleEndian(at),
            4 => BinaryPrimitives.ReadInt32LittleEndian(at),
            _ => BinaryPrimitives.ReadInt64LittleEndian(at),
        };
    }
}
