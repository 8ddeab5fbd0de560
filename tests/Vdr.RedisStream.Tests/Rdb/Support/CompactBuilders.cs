using System.Buffers.Binary;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>An element to put in a ziplist or listpack: an integer or a string.</summary>
public readonly record struct Element(long? Int, byte[]? Str)
{
    public static Element I(long v) => new(v, null);

    public static Element S(string s) => new(null, RdbBuilder.B(s));

    public static Element S(byte[] s) => new(null, s);

    public static implicit operator Element(string s) => S(s);

    public static implicit operator Element(long v) => I(v);

    public override string ToString() => Int?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? System.Text.Encoding.UTF8.GetString(Str!);
}

/// <summary>Builds ziplists, listpacks, intsets and zipmaps the way Redis lays them out.</summary>
public static class CompactBuilders
{
    public static byte[] Listpack(IEnumerable<Element> elements, bool unknownCount = false)
    {
        var body = new List<byte>();
        var count = 0;
        Span<byte> back = stackalloc byte[5];
        foreach (var e in elements)
        {
            var entry = ListpackEntry(e);
            body.AddRange(entry);
            var n = Vdr.RedisStream.Rdb.Encodings.Listpack.EncodeBacklen(entry.Length, back);
            body.AddRange(back[..n].ToArray());
            count++;
        }

        var total = 6 + body.Count + 1;
        var result = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(4), unknownCount || count >= 65535 ? (ushort)65535 : (ushort)count);
        body.CopyTo(result, 6);
        result[^1] = 0xFF;
        return result;
    }

    public static byte[] ListpackEntry(Element e)
    {
        if (e.Int is long v)
        {
            if (v is >= 0 and <= 127)
            {
                return [(byte)v];
            }

            if (v is >= -4096 and <= 4095)
            {
                var u = (int)(v & 0x1FFF);
                return [(byte)(0xC0 | (u >> 8)), (byte)u];
            }

            if (v is >= short.MinValue and <= short.MaxValue)
            {
                var b = new byte[3];
                b[0] = 0xF1;
                BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(1), (short)v);
                return b;
            }

            if (v is >= -(1 << 23) and < (1 << 23))
            {
                return [0xF2, (byte)v, (byte)(v >> 8), (byte)(v >> 16)];
            }

            if (v is >= int.MinValue and <= int.MaxValue)
            {
                var b = new byte[5];
                b[0] = 0xF3;
                BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(1), (int)v);
                return b;
            }

            var b8 = new byte[9];
            b8[0] = 0xF4;
            BinaryPrimitives.WriteInt64LittleEndian(b8.AsSpan(1), v);
            return b8;
        }

        var s = e.Str!;
        if (s.Length < 64)
        {
            return [(byte)(0x80 | s.Length), .. s];
        }

        if (s.Length < 4096)
        {
            return [(byte)(0xE0 | (s.Length >> 8)), (byte)s.Length, .. s];
        }

        var h = new byte[5];
        h[0] = 0xF0;
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(1), (uint)s.Length);
        return [.. h, .. s];
    }

    public static byte[] Ziplist(IEnumerable<Element> elements, bool unknownCount = false)
    {
        var body = new List<byte>();
        var count = 0;
        var prevLen = 0;
        var lastEntry = 10;
        foreach (var e in elements)
        {
            var entry = new List<byte>();
            if (prevLen < 254)
            {
                entry.Add((byte)prevLen);
            }
            else
            {
                entry.Add(0xFE);
                var p = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(p, (uint)prevLen);
                entry.AddRange(p);
            }

            entry.AddRange(ZiplistEncoding(e));
            lastEntry = 10 + body.Count;
            body.AddRange(entry);
            prevLen = entry.Count;
            count++;
        }

        var total = 10 + body.Count + 1;
        var result = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)lastEntry);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), unknownCount || count >= 65535 ? (ushort)65535 : (ushort)count);
        body.CopyTo(result, 10);
        result[^1] = 0xFF;
        return result;
    }

    private static byte[] ZiplistEncoding(Element e)
    {
        if (e.Int is long v)
        {
            if (v is >= 0 and <= 12)
            {
                return [(byte)(0xF1 + v)];
            }

            if (v is >= sbyte.MinValue and <= sbyte.MaxValue)
            {
                return [0xFE, (byte)(sbyte)v];
            }

            if (v is >= short.MinValue and <= short.MaxValue)
            {
                var b = new byte[3];
                b[0] = 0xC0;
                BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(1), (short)v);
                return b;
            }

            if (v is >= -(1 << 23) and < (1 << 23))
            {
                return [0xF0, (byte)v, (byte)(v >> 8), (byte)(v >> 16)];
            }

            if (v is >= int.MinValue and <= int.MaxValue)
            {
                var b = new byte[5];
                b[0] = 0xD0;
                BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(1), (int)v);
                return b;
            }

            var b8 = new byte[9];
            b8[0] = 0xE0;
            BinaryPrimitives.WriteInt64LittleEndian(b8.AsSpan(1), v);
            return b8;
        }

        var s = e.Str!;
        if (s.Length <= 63)
        {
            return [(byte)s.Length, .. s];
        }

        if (s.Length <= 16383)
        {
            return [(byte)(0x40 | (s.Length >> 8)), (byte)s.Length, .. s];
        }

        var h = new byte[5];
        h[0] = 0x80;
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(1), (uint)s.Length);
        return [.. h, .. s];
    }

    public static byte[] Intset(int width, params long[] values)
    {
        var result = new byte[8 + (width * values.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)width);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var at = result.AsSpan(8 + (i * width));
            switch (width)
            {
                case 2:
                    BinaryPrimitives.WriteInt16LittleEndian(at, (short)values[i]);
                    break;
                case 4:
                    BinaryPrimitives.WriteInt32LittleEndian(at, (int)values[i]);
                    break;
                default:
                    BinaryPrimitives.WriteInt64LittleEndian(at, values[i]);
                    break;
            }
        }

        return result;
    }

    public static byte[] Zipmap(IEnumerable<(string Field, string Value, int Free)> pairs)
    {
        var list = pairs.ToList();
        var body = new List<byte> { (byte)Math.Min(list.Count, 254) };
        foreach (var (field, value, free) in list)
        {
            var f = RdbBuilder.B(field);
            var v = RdbBuilder.B(value);
            ZipmapLen(body, f.Length);
            body.AddRange(f);
            ZipmapLen(body, v.Length);
            body.Add((byte)free);
            body.AddRange(v);
            body.AddRange(new byte[free]);
        }

        body.Add(0xFF);
        return [.. body];
    }

    private static void ZipmapLen(List<byte> body, int len)
    {
        if (len < 254)
        {
            body.Add((byte)len);
            return;
        }

        body.Add(254);
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)len);
        body.AddRange(b);
    }

    /// <summary>CRC64 helper re-exported for tests.</summary>
    public static ulong Crc(byte[] data) => Crc64.Compute(data);
}
