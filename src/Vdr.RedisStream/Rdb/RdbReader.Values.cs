using System.Buffers;
using System.Runtime.CompilerServices;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// String values, and the values of the plain encodings (a count, then element by element), a chunk per call.
public sealed partial class RdbReader
{
    /// <summary>HASH_METADATA: field TTLs are stored relative to this minimum expiry.</summary>
    private long _hashMinExpire;

    /// <summary>
    /// Reads a string value's header and, when the value fits in one chunk, the value itself (Whole). Otherwise
    /// the value is left for <see cref="ReadBigStringValueAsync"/>: Remaining raw bytes to stream, or a pooled
    /// buffer holding the decompressed LZF value.
    /// </summary>
    private async ValueTask<(byte[]? Whole, long Remaining, byte[]? Decompressed, int DecompressedLength)> ReadStringValueHeadAsync()
    {
        var offset = BytesConsumed;
        var maxPart = _options.MaxChunkBytes;
        var (value, encoded) = await ReadLengthOrEncodingAsync("string value").ConfigureAwait(false);
        if (!encoded)
        {
            if (value <= (ulong)maxPart)
            {
                var bytes = GC.AllocateUninitializedArray<byte>((int)value);
                await CopyToAsync(bytes, 0, (int)value, "string value").ConfigureAwait(false);
                return (bytes, 0, null, 0);
            }

            return (null, (long)Math.Min(value, long.MaxValue), null, 0);
        }

        switch ((int)value)
        {
            case EncLzf:
                var (compressed, ulen) = await ReadLzfHeaderAndDataAsync("string value", offset).ConfigureAwait(false);
                var output = ulen <= maxPart ? GC.AllocateUninitializedArray<byte>(ulen) : ArrayPool<byte>.Shared.Rent(ulen);
                try
                {
                    var error = Lzf.Decompress(compressed.Span, output.AsSpan(0, ulen));
                    if (error is not null)
                    {
                        if (ulen > maxPart)
                        {
                            ArrayPool<byte>.Shared.Return(output);
                        }

                        Fail($"bad LZF data in string value: {error}", offset);
                    }
                }
                finally
                {
                    compressed.Release();
                }

                return ulen <= maxPart ? (output, 0, null, 0) : (null, 0, output, ulen);
            case EncInt8:
                return (CompactEntry.FormatInteger((sbyte)await ReadByteAsync("string value").ConfigureAwait(false)), 0, null, 0);
            case EncInt16:
                return (await ReadInt16TextAsync("string value").ConfigureAwait(false), 0, null, 0);
            case EncInt32:
                return (CompactEntry.FormatInteger(await ReadInt32Async("string value").ConfigureAwait(false)), 0, null, 0);
            default:
                throw UnknownStringEncoding(value, "string value", offset);
        }
    }

    /// <summary>A string value bigger than MaxChunkBytes, in parts of MaxChunkBytes.</summary>
    private async IAsyncEnumerable<RdbRecord> ReadBigStringValueAsync(long remaining, byte[]? decompressed, int decompressedLength)
    {
        var maxPart = _options.MaxChunkBytes;
        var part = 0;
        if (decompressed is not null)
        {
            _valueElements = decompressedLength;
            try
            {
                for (var at = 0; at < decompressedLength; at += maxPart)
                {
                    var size = Math.Min(maxPart, decompressedLength - at);
                    yield return new RdbStringChunk(part++, at + size == decompressedLength, at, decompressed.AsSpan(at, size).ToArray());
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(decompressed);
            }

            yield break;
        }

        _valueElements = remaining;
        long position = 0;
        while (remaining > 0)
        {
            var size = (int)Math.Min(remaining, maxPart);
            var bytes = GC.AllocateUninitializedArray<byte>(size);
            await CopyToAsync(bytes, 0, size, "string value").ConfigureAwait(false);
            remaining -= size;
            yield return new RdbStringChunk(part++, remaining == 0, position, bytes);
            position += size;
        }
    }

    /// <summary>The next chunk of a list or set stored element by element.</summary>
    private async ValueTask<RdbRecord?> ReadPlainItemsChunkAsync(bool isSet)
    {
        var what = isSet ? "set member" : "list element";
        var chunk = ItemChunk;
        if (!_valueOpened)
        {
            await OpenPlainValueAsync(isSet ? "set size" : "list length").ConfigureAwait(false);
            chunk.Begin(PlainCapacity);
        }

        while (_valueIndex < _valueCount)
        {
            var item = await ReadStringAsync(what).ConfigureAwait(false);
            _valueIndex++;
            var index = chunk.Index;
            var full = chunk.IsFull ? chunk.Take() : null;
            chunk.Add(item, item.Length);
            if (full is not null)
            {
                return MakeItemsChunk(isSet, index, false, full);
            }
        }

        _valueElements = (long)_valueCount;
        return LastOfValue(MakeItemsChunk(isSet, chunk.Index, true, chunk.TakeLast()));
    }

    /// <summary>Reads the element count of a plain collection, which precedes its elements.</summary>
    private async ValueTask OpenPlainValueAsync(string what)
    {
        _valueCount = await ReadLengthAsync(what).ConfigureAwait(false);
        _valueIndex = 0;
        _valueOpened = true;
    }

    /// <summary>A first chunk's room for a plain collection: its count was read but its elements have not arrived yet.</summary>
    private int PlainCapacity => (int)Math.Min(_valueCount, 1024);

    private static RdbRecord MakeItemsChunk(bool isSet, int index, bool isLast, List<byte[]> items) =>
        isSet ? new RdbSetChunk(index, isLast, items) : new RdbListChunk(index, isLast, items);

    /// <summary>The next chunk of a sorted set stored member by member (scores as text, or binary in ZSET_2).</summary>
    private async ValueTask<RdbRecord?> ReadPlainZSetChunkAsync()
    {
        var binaryScores = _valueEncoding == RdbEncoding.ZSet2;
        var chunk = ScoredChunk;
        if (!_valueOpened)
        {
            await OpenPlainValueAsync("sorted set size").ConfigureAwait(false);
            chunk.Begin(PlainCapacity);
        }

        while (_valueIndex < _valueCount)
        {
            var member = await ReadStringAsync("sorted set member").ConfigureAwait(false);
            var score = binaryScores
                ? BitConverter.Int64BitsToDouble(await ReadInt64Async("sorted set score").ConfigureAwait(false))
                : await ReadStringDoubleAsync("sorted set score").ConfigureAwait(false);
            _valueIndex++;
            var index = chunk.Index;
            var full = chunk.IsFull ? chunk.Take() : null;
            chunk.Add(new RdbScoredMember(member, score), member.Length);
            if (full is not null)
            {
                return new RdbSortedSetChunk(index, false, full);
            }
        }

        _valueElements = (long)_valueCount;
        return LastOfValue(new RdbSortedSetChunk(chunk.Index, true, chunk.TakeLast()));
    }

    /// <summary>A double in the old string form: 1-byte length, ASCII; 253 = nan, 254 = +inf, 255 = -inf.</summary>
    private async ValueTask<double> ReadStringDoubleAsync(string what)
    {
        var offset = BytesConsumed;
        var len = await ReadByteAsync(what).ConfigureAwait(false);
        switch (len)
        {
            case 253:
                return double.NaN;
            case 254:
                return double.PositiveInfinity;
            case 255:
                return double.NegativeInfinity;
        }

        await ReadIntoScratchAsync(len, what).ConfigureAwait(false);
        if (!RdbDoubles.TryParse(_scratch.AsSpan(0, len), out var value))
        {
            Fail($"{what} \"{Printable(_scratch.AsSpan(0, len))}\" is not a number", offset);
        }

        return value;
    }

    /// <summary>The next chunk of a hash stored field by field, with per-field expiries in the metadata encodings.</summary>
    private async ValueTask<RdbRecord?> ReadPlainHashChunkAsync()
    {
        var encoding = _valueEncoding;
        var chunk = FieldChunk;
        if (!_valueOpened)
        {
            _hashMinExpire = 0;
            if (encoding == RdbEncoding.HashMetadata)
            {
                _hashMinExpire = await ReadInt64Async("hash minimum field expiry").ConfigureAwait(false);
            }

            await OpenPlainValueAsync("hash size").ConfigureAwait(false);
            chunk.Begin(PlainCapacity);
        }

        while (_valueIndex < _valueCount)
        {
            long? expireAt = null;
            var ttlOffset = BytesConsumed;
            if (encoding is RdbEncoding.HashMetadata or RdbEncoding.HashMetadataPreGa)
            {
                var ttl = await ReadLengthAsync("hash field TTL").ConfigureAwait(false);
                if (ttl != 0)
                {
                    var at = encoding == RdbEncoding.HashMetadata ? unchecked(ttl + (ulong)_hashMinExpire - 1) : ttl;
                    if (at > MaxFieldExpire)
                    {
                        Fail($"hash field expiry {at} is beyond the largest valid expiry {MaxFieldExpire}", ttlOffset);
                    }

                    expireAt = (long)at;
                }
            }

            var field = await ReadStringAsync("hash field").ConfigureAwait(false);
            var value = await ReadStringAsync("hash value").ConfigureAwait(false);
            if (encoding == RdbEncoding.ValkeyHash2)
            {
                var expiry = await ReadInt64Async("hash field expiry").ConfigureAwait(false);
                expireAt = expiry == -1 ? null : expiry;
            }

            _valueIndex++;
            var index = chunk.Index;
            var full = chunk.IsFull ? chunk.Take() : null;
            chunk.Add(new RdbHashField(field, value, expireAt), field.Length + value.Length);
            if (full is not null)
            {
                return new RdbHashChunk(index, false, full);
            }
        }

        _valueElements = (long)_valueCount;
        return LastOfValue(new RdbHashChunk(chunk.Index, true, chunk.TakeLast()));
    }

    /// <summary>EB_EXPIRE_TIME_MAX: hash field expiries are 48-bit.</summary>
    private const ulong MaxFieldExpire = (1UL << 48) - 1;
}
