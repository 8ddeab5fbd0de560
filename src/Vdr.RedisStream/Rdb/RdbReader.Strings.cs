using System.Buffers;
using System.Buffers.Binary;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Length encodings and RDB strings (raw, int8/16/32, LZF).
public sealed partial class RdbReader
{
    private const int EncInt8 = 0;
    private const int EncInt16 = 1;
    private const int EncInt32 = 2;
    private const int EncLzf = 3;

    /// <summary>Parses a length or special-encoding marker from a span holding at least 9 bytes (or the whole field).</summary>
    private static int ParseLength(ReadOnlySpan<byte> s, out ulong value, out bool encoded)
    {
        var b = s[0];
        encoded = false;
        switch (b >> 6)
        {
            case 0:
                value = (ulong)(b & 0x3F);
                return 1;
            case 1:
                value = ((ulong)(b & 0x3F) << 8) | s[1];
                return 2;
            case 2:
                if (b == 0x80)
                {
                    value = BinaryPrimitives.ReadUInt32BigEndian(s.Slice(1));
                    return 5;
                }

                if (b == 0x81)
                {
                    value = BinaryPrimitives.ReadUInt64BigEndian(s.Slice(1));
                    return 9;
                }

                value = b;
                return -1;
            default:
                encoded = true;
                value = (ulong)(b & 0x3F);
                return 1;
        }
    }

    private static int LengthFieldSize(byte first) => (first >> 6) switch
    {
        0 => 1,
        1 => 2,
        2 => first == 0x80 ? 5 : first == 0x81 ? 9 : 1,
        _ => 1,
    };

    /// <summary>A length or, when <c>IsEncoded</c>, a special string encoding (low 6 bits).</summary>
    private ValueTask<(ulong Value, bool IsEncoded)> ReadLengthOrEncodingAsync(string what)
    {
        if (Available >= 9)
        {
            var start = _pos;
            var n = ParseLength(_seg.AsSpan(_pos, 9), out var value, out var encoded);
            if (n < 0)
            {
                Fail($"invalid length prefix 0x{value:X2} for {what}", BytesConsumed);
            }

            _pos = start + n;
            return new ValueTask<(ulong, bool)>((value, encoded));
        }

        return ReadLengthOrEncodingSlowAsync(what);
    }

    private async ValueTask<(ulong Value, bool IsEncoded)> ReadLengthOrEncodingSlowAsync(string what)
    {
        var offset = BytesConsumed;
        var first = await ReadByteAsync(what).ConfigureAwait(false);
        var size = LengthFieldSize(first);
        _scratch[0] = first;
        if (size > 1)
        {
            var done = 1;
            while (done < size)
            {
                if (_pos == _end)
                {
                    await FillAsync(size - done, what).ConfigureAwait(false);
                }

                var take = Math.Min(size - done, _end - _pos);
                Buffer.BlockCopy(_seg, _pos, _scratch, done, take);
                _pos += take;
                done += take;
            }
        }

        var n = ParseLength(_scratch, out var value, out var encoded);
        if (n < 0)
        {
            Fail($"invalid length prefix 0x{value:X2} for {what}", offset);
        }

        return (value, encoded);
    }

    /// <summary>A plain length (a special-encoding marker here is corruption).</summary>
    private ValueTask<ulong> ReadLengthAsync(string what)
    {
        if (Available >= 9 && _seg[_pos] < 0xC0)
        {
            var start = _pos;
            var n = ParseLength(_seg.AsSpan(_pos, 9), out var value, out _);
            if (n > 0)
            {
                _pos = start + n;
                return new ValueTask<ulong>(value);
            }
        }

        return Slow(what);

        async ValueTask<ulong> Slow(string w)
        {
            var offset = BytesConsumed;
            var (value, encoded) = await ReadLengthOrEncodingSlowAsync(w).ConfigureAwait(false);
            if (encoded)
            {
                Fail($"expected a length for {w}, found the string encoding marker 0x{0xC0 | (int)value:X2}", offset);
            }

            return value;
        }
    }

    /// <summary>Reads an RDB string whole (keys, collection elements). Int-encoded strings become decimal text.</summary>
    private ValueTask<byte[]> ReadStringAsync(string what)
    {
        var avail = Available;
        if (avail >= 9)
        {
            var s = _seg.AsSpan(_pos, avail);
            var b = s[0];
            int len;
            int header;
            if (b < 0x40)
            {
                len = b;
                header = 1;
            }
            else if (b < 0x80)
            {
                len = ((b & 0x3F) << 8) | s[1];
                header = 2;
            }
            else if (b == 0xC0)
            {
                _pos += 2;
                return new ValueTask<byte[]>(CompactEntry.FormatInteger((sbyte)s[1]));
            }
            else if (b == 0xC1)
            {
                _pos += 3;
                return new ValueTask<byte[]>(CompactEntry.FormatInteger(BinaryPrimitives.ReadInt16LittleEndian(s.Slice(1))));
            }
            else if (b == 0xC2)
            {
                _pos += 5;
                return new ValueTask<byte[]>(CompactEntry.FormatInteger(BinaryPrimitives.ReadInt32LittleEndian(s.Slice(1))));
            }
            else
            {
                return ReadStringSlowAsync(what);
            }

            if (header + len <= avail)
            {
                var result = s.Slice(header, len).ToArray();
                _pos += header + len;
                return new ValueTask<byte[]>(result);
            }
        }

        return ReadStringSlowAsync(what);
    }

    private async ValueTask<byte[]> ReadStringSlowAsync(string what)
    {
        var offset = BytesConsumed;
        var (value, encoded) = await ReadLengthOrEncodingAsync(what).ConfigureAwait(false);
        if (encoded)
        {
            return (int)value switch
            {
                EncInt8 => CompactEntry.FormatInteger((sbyte)await ReadByteAsync(what).ConfigureAwait(false)),
                EncInt16 => await ReadInt16TextAsync(what).ConfigureAwait(false),
                EncInt32 => CompactEntry.FormatInteger(await ReadInt32Async(what).ConfigureAwait(false)),
                EncLzf => await ReadLzfStringAsync(what, offset).ConfigureAwait(false),
                _ => throw UnknownStringEncoding(value, what, offset),
            };
        }

        var length = CheckHeldLength(value, what, offset);
        if (length <= DirectAllocationLimit)
        {
            var result = GC.AllocateUninitializedArray<byte>((int)length);
            await CopyToAsync(result, 0, (int)length, what).ConfigureAwait(false);
            return result;
        }

        var block = await ReadBlockAsync(length, what).ConfigureAwait(false);
        try
        {
            return block.Span.ToArray();
        }
        finally
        {
            block.Release();
        }
    }

    private async ValueTask<byte[]> ReadInt16TextAsync(string what)
    {
        await ReadIntoScratchAsync(2, what).ConfigureAwait(false);
        return CompactEntry.FormatInteger(BinaryPrimitives.ReadInt16LittleEndian(_scratch));
    }

    private RdbFormatException UnknownStringEncoding(ulong encoding, string what, long offset) =>
        new($"unknown string encoding 0x{0xC0 | (int)encoding:X2} for {what} (expected 0xC0-0xC3)", offset, Version);

    /// <summary>A length of something that has to be held whole: capped by MaxBlobBytes and the array limit.</summary>
    private long CheckHeldLength(ulong length, string what, long offset)
    {
        var cap = Math.Min(_options.MaxBlobBytes, Array.MaxLength);
        if (length > (ulong)cap)
        {
            Fail($"{what} claims {length} bytes, more than the {cap}-byte limit for a value held whole (RdbReaderOptions.MaxBlobBytes)", offset);
        }

        return (long)length;
    }

    /// <summary>Reads the two LZF lengths and the compressed bytes; the caller decompresses and releases.</summary>
    private async ValueTask<(ByteBlock Compressed, int UncompressedLength)> ReadLzfHeaderAndDataAsync(string what, long offset)
    {
        var clen = await ReadLengthAsync("an LZF compressed length").ConfigureAwait(false);
        var ulen = await ReadLengthAsync("an LZF uncompressed length").ConfigureAwait(false);
        CheckHeldLength(clen, what, offset);
        CheckHeldLength(ulen, what, offset);
        if (clen == 0 || ulen > clen * Lzf.MaxExpansion)
        {
            Fail($"LZF {what} claims {ulen} uncompressed bytes from {clen} compressed bytes, impossible for LZF", offset);
        }

        var block = await ReadBlockAsync((long)clen, "LZF compressed data").ConfigureAwait(false);
        return (block, (int)ulen);
    }

    private async ValueTask<byte[]> ReadLzfStringAsync(string what, long offset)
    {
        var (compressed, ulen) = await ReadLzfHeaderAndDataAsync(what, offset).ConfigureAwait(false);
        try
        {
            var output = GC.AllocateUninitializedArray<byte>(ulen);
            var error = Lzf.Decompress(compressed.Span, output);
            if (error is not null)
            {
                Fail($"bad LZF data in {what}: {error}", offset);
            }

            return output;
        }
        finally
        {
            compressed.Release();
        }
    }

    /// <summary>
    /// Reads an RDB string that holds an encoded blob (ziplist, listpack, intset, zipmap), decompressing LZF into
    /// a pooled buffer. The block must be released; a non-pooled block is only valid until more input is read.
    /// </summary>
    private async ValueTask<(ByteBlock Block, BlobContext Context)> ReadBlobAsync(string what)
    {
        var offset = BytesConsumed;
        var (value, encoded) = await ReadLengthOrEncodingAsync(what).ConfigureAwait(false);
        if (!encoded)
        {
            var length = CheckHeldLength(value, what, offset);
            var dataOffset = BytesConsumed;
            var block = await ReadBlockAsync(length, what).ConfigureAwait(false);
            return (block, new BlobContext(what, dataOffset, Version, compressed: false));
        }

        if ((int)value == EncLzf)
        {
            var (compressed, ulen) = await ReadLzfHeaderAndDataAsync(what, offset).ConfigureAwait(false);
            var output = ArrayPool<byte>.Shared.Rent(Math.Max(ulen, 1));
            try
            {
                var error = Lzf.Decompress(compressed.Span, output.AsSpan(0, ulen));
                if (error is not null)
                {
                    Fail($"bad LZF data in {what}: {error}", offset);
                }
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(output);
                throw;
            }
            finally
            {
                compressed.Release();
            }

            return (new ByteBlock(output, 0, ulen, pooled: true), new BlobContext(what, offset, Version, compressed: true));
        }

        var text = (int)value switch
        {
            EncInt8 => CompactEntry.FormatInteger((sbyte)await ReadByteAsync(what).ConfigureAwait(false)),
            EncInt16 => await ReadInt16TextAsync(what).ConfigureAwait(false),
            EncInt32 => CompactEntry.FormatInteger(await ReadInt32Async(what).ConfigureAwait(false)),
            _ => throw UnknownStringEncoding(value, what, offset),
        };
        return (new ByteBlock(text, 0, text.Length, pooled: false), new BlobContext(what, offset, Version, compressed: false));
    }

    /// <summary>Consumes an RDB string without keeping it; returns its stored size.</summary>
    private async ValueTask SkipStringAsync(string what)
    {
        var offset = BytesConsumed;
        var (value, encoded) = await ReadLengthOrEncodingAsync(what).ConfigureAwait(false);
        if (!encoded)
        {
            await SkipAsync((long)Math.Min(value, long.MaxValue), what).ConfigureAwait(false);
            return;
        }

        switch ((int)value)
        {
            case EncInt8:
                await SkipAsync(1, what).ConfigureAwait(false);
                break;
            case EncInt16:
                await SkipAsync(2, what).ConfigureAwait(false);
                break;
            case EncInt32:
                await SkipAsync(4, what).ConfigureAwait(false);
                break;
            case EncLzf:
                var clen = await ReadLengthAsync("an LZF compressed length").ConfigureAwait(false);
                await ReadLengthAsync("an LZF uncompressed length").ConfigureAwait(false);
                await SkipAsync((long)Math.Min(clen, long.MaxValue), what).ConfigureAwait(false);
                break;
            default:
                throw UnknownStringEncoding(value, what, offset);
        }
    }
}
