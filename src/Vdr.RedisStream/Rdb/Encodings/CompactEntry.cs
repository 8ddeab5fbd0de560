using System.Buffers.Text;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>One element of a ziplist or listpack: an integer, or a string slice of the blob.</summary>
internal readonly struct CompactEntry
{
    private CompactEntry(long integer, int offset, int length)
    {
        Integer = integer;
        Offset = offset;
        Length = length;
    }

    /// <summary>The value when <see cref="IsInteger"/>.</summary>
    public long Integer { get; }

    /// <summary>Start of the string bytes in the blob.</summary>
    public int Offset { get; }

    /// <summary>String length, or -1 for an integer.</summary>
    public int Length { get; }

    public bool IsInteger => Length < 0;

    public static CompactEntry FromInteger(long value) => new(value, 0, -1);

    public static CompactEntry FromString(int offset, int length) => new(0, offset, length);

    /// <summary>The element as bytes: a copy of the string, or the integer's decimal text.</summary>
    public byte[] ToBytes(ReadOnlySpan<byte> blob) => IsInteger ? FormatInteger(Integer) : blob.Slice(Offset, Length).ToArray();

    /// <summary>The element as a double: the integer, or the string parsed like Redis's strtod.</summary>
    public bool TryToDouble(ReadOnlySpan<byte> blob, out double value)
    {
        if (IsInteger)
        {
            value = Integer;
            return true;
        }

        return RdbDoubles.TryParse(blob.Slice(Offset, Length), out value);
    }

    public static byte[] FormatInteger(long value)
    {
        Span<byte> text = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, text, out var written);
        return text[..written].ToArray();
    }
}
