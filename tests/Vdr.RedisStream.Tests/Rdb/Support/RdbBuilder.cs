using System.Buffers.Binary;
using System.Text;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>Writes RDB files byte by byte from the format description (REDIS-SPEC.md part A), for fixtures.</summary>
public sealed class RdbBuilder
{
    private readonly List<byte> _bytes = [];

    public int Version { get; private set; }

    public int Length => _bytes.Count;

    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public RdbBuilder Header(int version, string magic = "REDIS")
    {
        Version = version;
        Raw(B(magic == "REDIS" ? $"REDIS{version:D4}" : $"{magic}{version:D3}"));
        return this;
    }

    public RdbBuilder Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public RdbBuilder Raw(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            _bytes.Add(b);
        }

        return this;
    }

    public RdbBuilder Byte(int b) => Raw((byte)b);

    /// <summary>A length in the smallest form Redis would use.</summary>
    public RdbBuilder Len(ulong value)
    {
        if (value < 64)
        {
            return Byte((int)value);
        }

        if (value < 16384)
        {
            return Raw((byte)(0x40 | (int)(value >> 8)), (byte)value);
        }

        return value <= uint.MaxValue ? Len32((uint)value) : Len64(value);
    }

    public RdbBuilder Len32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return Byte(0x80).Raw(b);
    }

    public RdbBuilder Len64(ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        return Byte(0x81).Raw(b);
    }

    public RdbBuilder Str(string s) => Str(B(s));

    public RdbBuilder Str(byte[] s) => Len((ulong)s.Length).Raw(s);

    /// <summary>An int-encoded string: 0xC0 int8, 0xC1 int16, 0xC2 int32.</summary>
    public RdbBuilder IntStr(int width, int value)
    {
        switch (width)
        {
            case 1:
                return Byte(0xC0).Byte((byte)(sbyte)value);
            case 2:
                Span<byte> b2 = stackalloc byte[2];
                BinaryPrimitives.WriteInt16LittleEndian(b2, (short)value);
                return Byte(0xC1).Raw(b2);
            default:
                Span<byte> b4 = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(b4, value);
                return Byte(0xC2).Raw(b4);
        }
    }

    /// <summary>An LZF-compressed string (0xC3, compressed length, uncompressed length, data).</summary>
    public RdbBuilder LzfStr(byte[] s)
    {
        var compressed = LzfCompressor.Compress(s);
        return Byte(0xC3).Len((ulong)compressed.Length).Len((ulong)s.Length).Raw(compressed);
    }

    public RdbBuilder Int64(long v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return Raw(b);
    }

    public RdbBuilder Int32(int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        return Raw(b);
    }

    public RdbBuilder BinDouble(double v) => Int64(BitConverter.DoubleToInt64Bits(v));

    /// <summary>A string-form double: length byte + ASCII, or 253/254/255 for nan/+inf/-inf.</summary>
    public RdbBuilder StrDouble(double v)
    {
        if (double.IsNaN(v))
        {
            return Byte(253);
        }

        if (double.IsPositiveInfinity(v))
        {
            return Byte(254);
        }

        if (double.IsNegativeInfinity(v))
        {
            return Byte(255);
        }

        var text = B(v.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return Byte(text.Length).Raw(text);
    }

    public RdbBuilder StreamIdRaw(ulong ms, ulong seq)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(b, ms);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], seq);
        return Raw(b);
    }

    public RdbBuilder Aux(string key, string value) => Byte(0xFA).Str(key).Str(value);

    public RdbBuilder SelectDb(int db) => Byte(0xFE).Len((ulong)db);

    public RdbBuilder ResizeDb(ulong size, ulong expires) => Byte(0xFB).Len(size).Len(expires);

    public RdbBuilder ExpireMs(long ms) => Byte(0xFC).Int64(ms);

    public RdbBuilder ExpireSec(int seconds) => Byte(0xFD).Int32(seconds);

    /// <summary>Type byte and key.</summary>
    public RdbBuilder Key(int type, string key) => Byte(type).Str(key);

    /// <summary>EOF opcode and, from version 5, the CRC64 of everything written so far (or the given value).</summary>
    public RdbBuilder End(ulong? checksum = null)
    {
        Byte(0xFF);
        if (Version >= 5)
        {
            var crc = checksum ?? Crc64.Compute([.. _bytes]);
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, crc);
            Raw(b);
        }

        return this;
    }

    public byte[] ToArray() => [.. _bytes];
}
