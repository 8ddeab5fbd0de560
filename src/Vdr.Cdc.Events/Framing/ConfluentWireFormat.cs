using System.Buffers.Binary;

namespace Vdr.Cdc.Events.Framing;

/// <summary>
/// Confluent's Protobuf wire format: magic byte 0, the schema id as 4 bytes big-endian, the message-index path of
/// the message type within its .proto file as a zig-zag varint array (count, then each index; the common path [0]
/// is written as the single byte 0), then the Protobuf payload.
/// </summary>
public static class ConfluentWireFormat
{
    public const byte MagicByte = 0;

    /// <summary>Bytes of the header for a schema id and message-index path.</summary>
    public static int HeaderLength(IReadOnlyList<int> messageIndexes)
    {
        if (IsFirstMessage(messageIndexes))
        {
            return 6;
        }

        var length = 5 + ZigZagVarintLength(messageIndexes.Count);
        foreach (var index in messageIndexes)
        {
            length += ZigZagVarintLength(index);
        }

        return length;
    }

    /// <summary>Writes the header; returns the bytes written.</summary>
    public static int WriteHeader(Span<byte> destination, int schemaId, IReadOnlyList<int> messageIndexes)
    {
        destination[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], schemaId);
        if (IsFirstMessage(messageIndexes))
        {
            destination[5] = 0;
            return 6;
        }

        var position = 5 + WriteZigZagVarint(destination[5..], messageIndexes.Count);
        foreach (var index in messageIndexes)
        {
            position += WriteZigZagVarint(destination[position..], index);
        }

        return position;
    }

    /// <summary>Reads a header: schema id, message indexes, and the header's length.</summary>
    public static (int SchemaId, int[] MessageIndexes, int HeaderLength) ReadHeader(ReadOnlySpan<byte> source)
    {
        if (source.Length < 6 || source[0] != MagicByte)
        {
            throw new FormatException($"not Confluent wire format: expected magic byte 0 and at least 6 bytes, found {(source.IsEmpty ? "nothing" : $"0x{source[0]:x2}")} ({source.Length} bytes)");
        }

        var schemaId = BinaryPrimitives.ReadInt32BigEndian(source[1..]);
        var position = 5;
        var count = ReadZigZagVarint(source, ref position);
        if (count == 0)
        {
            return (schemaId, [0], position);
        }

        var indexes = new int[count];
        for (var i = 0; i < count; i++)
        {
            indexes[i] = ReadZigZagVarint(source, ref position);
        }

        return (schemaId, indexes, position);
    }

    private static bool IsFirstMessage(IReadOnlyList<int> indexes) => indexes.Count == 0 || (indexes.Count == 1 && indexes[0] == 0);

    private static int ZigZagVarintLength(int value)
    {
        var v = (uint)((value << 1) ^ (value >> 31));
        var length = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            length++;
        }

        return length;
    }

    private static int WriteZigZagVarint(Span<byte> destination, int value)
    {
        var v = (uint)((value << 1) ^ (value >> 31));
        var i = 0;
        while (v >= 0x80)
        {
            destination[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        destination[i++] = (byte)v;
        return i;
    }

    private static int ReadZigZagVarint(ReadOnlySpan<byte> source, ref int position)
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= source.Length)
            {
                throw new FormatException("truncated message-index varint in the Confluent wire format header");
            }

            var b = source[position++];
            result |= (uint)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return (int)(result >> 1) ^ -(int)(result & 1);
            }
        }

        throw new FormatException("message-index varint longer than 5 bytes in the Confluent wire format header");
    }
}
