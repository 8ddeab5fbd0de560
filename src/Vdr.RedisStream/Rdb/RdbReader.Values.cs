using System.Buffers;
using System.Runtime.CompilerServices;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Values of the plain (non-blob) encodings, and the dispatch by type byte.
public sealed partial class RdbReader
{
    private IAsyncEnumerable<RdbRecord> ReadValueAsync(RdbEncoding encoding) => encoding switch
    {
        RdbEncoding.List => ReadPlainListOrSetAsync(isSet: false),
        RdbEncoding.Set => ReadPlainListOrSetAsync(isSet: true),
        RdbEncoding.ZSet => ReadPlainZSetAsync(binaryScores: false),
        RdbEncoding.ZSet2 => ReadPlainZSetAsync(binaryScores: true),
        RdbEncoding.Hash => ReadPlainHashAsync(encoding),
        RdbEncoding.HashMetadataPreGa or RdbEncoding.HashMetadata or RdbEncoding.ValkeyHash2 => ReadPlainHashAsync(encoding),
        RdbEncoding.Module2 => ReadModuleValueAsync(),
        RdbEncoding.ListQuicklist or RdbEncoding.ListQuicklist2 => ReadQuicklistAsync(encoding),
        RdbEncoding.StreamListpacks or RdbEncoding.StreamListpacks2 or RdbEncoding.StreamListpacks3 => ReadStreamAsync(encoding),
        _ => ReadSingleBlobValueAsync(encoding),
    };

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

    private async IAsyncEnumerable<RdbRecord> ReadPlainListOrSetAsync(bool isSet)
    {
        var what = isSet ? "set member" : "list element";
        var count = await ReadLengthAsync(isSet ? "set size" : "list length").ConfigureAwait(false);
        var chunk = new ChunkBuffer<byte[]>(_options, count);
        for (ulong i = 0; i < count; i++)
        {
            var item = await ReadStringAsync(what).ConfigureAwait(false);
            if (chunk.IsFull)
            {
                yield return MakeItemsChunk(isSet, chunk.Index, false, chunk.Take());
            }

            chunk.Add(item, item.Length);
        }

        _valueElements = (long)count;
        yield return MakeItemsChunk(isSet, chunk.Index, true, chunk.TakeLast());
    }

    private static RdbRecord MakeItemsChunk(bool isSet, int index, bool isLast, List<byte[]> items) =>
        isSet ? new RdbSetChunk(index, isLast, items) : new RdbListChunk(index, isLast, items);

    private async IAsyncEnumerable<RdbRecord> ReadPlainZSetAsync(bool binaryScores)
    {
        var count = await ReadLengthAsync("sorted set size").ConfigureAwait(false);
        var chunk = new ChunkBuffer<RdbScoredMember>(_options, count);
        for (ulong i = 0; i < count; i++)
        {
            var member = await ReadStringAsync("sorted set member").ConfigureAwait(false);
            var score = binaryScores
                ? BitConverter.Int64BitsToDouble(await ReadInt64Async("sorted set score").ConfigureAwait(false))
                : await ReadStringDoubleAsync("sorted set score").ConfigureAwait(false);
            if (chunk.IsFull)
            {
                yield return new RdbSortedSetChunk(chunk.Index, false, chunk.Take());
            }

            chunk.Add(new RdbScoredMember(member, score), member.Length);
        }

        _valueElements = (long)count;
        yield return new RdbSortedSetChunk(chunk.Index, true, chunk.TakeLast());
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

    private async IAsyncEnumerable<RdbRecord> ReadPlainHashAsync(RdbEncoding encoding)
    {
        long minExpire = 0;
        if (encoding == RdbEncoding.HashMetadata)
        {
            minExpire = await ReadInt64Async("hash minimum field expiry").ConfigureAwait(false);
        }

        var count = await ReadLengthAsync("hash size").ConfigureAwait(false);
        var chunk = new ChunkBuffer<RdbHashField>(_options, count);
        for (ulong i = 0; i < count; i++)
        {
            long? expireAt = null;
            var ttlOffset = BytesConsumed;
            if (encoding is RdbEncoding.HashMetadata or RdbEncoding.HashMetadataPreGa)
            {
                var ttl = await ReadLengthAsync("hash field TTL").ConfigureAwait(false);
                if (ttl != 0)
                {
                    var at = encoding == RdbEncoding.HashMetadata ? unchecked(ttl + (ulong)minExpire - 1) : ttl;
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

            if (chunk.IsFull)
            {
                yield return new RdbHashChunk(chunk.Index, false, chunk.Take());
            }

            chunk.Add(new RdbHashField(field, value, expireAt), field.Length + value.Length);
        }

        _valueElements = (long)count;
        yield return new RdbHashChunk(chunk.Index, true, chunk.TakeLast());
    }

    /// <summary>EB_EXPIRE_TIME_MAX: hash field expiries are 48-bit.</summary>
    private const ulong MaxFieldExpire = (1UL << 48) - 1;
}
