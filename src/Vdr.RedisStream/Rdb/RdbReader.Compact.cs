using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Values held in one nested blob (ziplist, listpack, intset, zipmap) and quicklists of them.
public sealed partial class RdbReader
{
    private const int QuicklistPlain = 1;
    private const int QuicklistPacked = 2;

    private enum FillResult
    {
        Done,
        Full,
    }

    private static string BlobName(RdbEncoding encoding) => encoding switch
    {
        RdbEncoding.HashZipmap => "zipmap",
        RdbEncoding.SetIntset => "intset",
        RdbEncoding.ListZiplist or RdbEncoding.ZSetZiplist or RdbEncoding.HashZiplist or RdbEncoding.ListQuicklist => "ziplist",
        _ => "listpack",
    };

    private static bool IsZiplist(RdbEncoding encoding) =>
        encoding is RdbEncoding.ListZiplist or RdbEncoding.ZSetZiplist or RdbEncoding.HashZiplist or RdbEncoding.ListQuicklist;

    private async IAsyncEnumerable<RdbRecord> ReadSingleBlobValueAsync(RdbEncoding encoding)
    {
        if (encoding == RdbEncoding.HashListpackEx)
        {
            // The minimum field expiry, informational only.
            await ReadInt64Async("hash minimum field expiry").ConfigureAwait(false);
        }

        var (block, context) = await ReadBlobAsync(BlobName(encoding)).ConfigureAwait(false);
        try
        {
            switch (encoding)
            {
                case RdbEncoding.SetIntset:
                    {
                        var count = Intset.Validate(block.Span, context, out var width);
                        var chunk = new ChunkBuffer<byte[]>(_options, (ulong)count);
                        for (var i = 0; i < count; i++)
                        {
                            if (chunk.IsFull)
                            {
                                yield return new RdbSetChunk(chunk.Index, false, chunk.Take());
                            }

                            var text = CompactEntry.FormatInteger(Intset.Get(block.Span, width, i));
                            chunk.Add(text, text.Length);
                        }

                        _valueElements = count;
                        yield return new RdbSetChunk(chunk.Index, true, chunk.TakeLast());
                        break;
                    }

                case RdbEncoding.HashZipmap:
                    {
                        Zipmap.ValidateHeader(block.Span, context);
                        var position = 1;
                        var chunk = new ChunkBuffer<RdbHashField>(_options, block.Span[0]);
                        while (FillZipmap(block.Span, ref position, context, chunk, out var pending) == FillResult.Full)
                        {
                            yield return new RdbHashChunk(chunk.Index, false, chunk.Take());
                            chunk.Add(pending, pending.Field.Length + pending.Value.Length);
                            _valueElements++;
                        }

                        var announced = block.Span[0];
                        if (announced < 254 && announced != _valueElements)
                        {
                            context.Fail($"header announces {announced} pairs but {_valueElements} were found", 0);
                        }

                        yield return new RdbHashChunk(chunk.Index, true, chunk.TakeLast());
                        break;
                    }

                case RdbEncoding.ListZiplist or RdbEncoding.SetListpack:
                    {
                        var isSet = encoding == RdbEncoding.SetListpack;
                        var cursor = CompactCursor.Open(block.Span, IsZiplist(encoding), context);
                        var chunk = new ChunkBuffer<byte[]>(_options, (ulong)Math.Max(cursor.HeaderCount, 0));
                        while (FillItems(block.Span, ref cursor, context, chunk, out var pending) == FillResult.Full)
                        {
                            yield return MakeItemsChunk(isSet, chunk.Index, false, chunk.Take());
                            chunk.Add(pending, pending.Length);
                            _valueElements++;
                        }

                        yield return MakeItemsChunk(isSet, chunk.Index, true, chunk.TakeLast());
                        break;
                    }

                case RdbEncoding.ZSetZiplist or RdbEncoding.ZSetListpack:
                    {
                        var cursor = CompactCursor.Open(block.Span, IsZiplist(encoding), context);
                        var chunk = new ChunkBuffer<RdbScoredMember>(_options, (ulong)Math.Max(cursor.HeaderCount / 2, 0));
                        while (FillScored(block.Span, ref cursor, context, chunk, out var pending) == FillResult.Full)
                        {
                            yield return new RdbSortedSetChunk(chunk.Index, false, chunk.Take());
                            chunk.Add(pending, pending.Member.Length);
                            _valueElements++;
                        }

                        yield return new RdbSortedSetChunk(chunk.Index, true, chunk.TakeLast());
                        break;
                    }

                default:
                    {
                        // HashZiplist, HashListpack, HashListpackEx(PreGa): pairs or (field, value, expireAt) triples.
                        var withTtl = encoding is RdbEncoding.HashListpackEx or RdbEncoding.HashListpackExPreGa;
                        var cursor = CompactCursor.Open(block.Span, IsZiplist(encoding), context);
                        var chunk = new ChunkBuffer<RdbHashField>(_options, (ulong)Math.Max(cursor.HeaderCount / (withTtl ? 3 : 2), 0));
                        while (FillHash(block.Span, ref cursor, context, withTtl, chunk, out var pending) == FillResult.Full)
                        {
                            yield return new RdbHashChunk(chunk.Index, false, chunk.Take());
                            chunk.Add(pending, pending.Field.Length + pending.Value.Length);
                            _valueElements++;
                        }

                        yield return new RdbHashChunk(chunk.Index, true, chunk.TakeLast());
                        break;
                    }
            }
        }
        finally
        {
            block.Release();
        }
    }

    /// <summary>Lists stored as quicklists: nodes of ziplists (type 14) or of listpacks / plain elements (type 18).</summary>
    private async IAsyncEnumerable<RdbRecord> ReadQuicklistAsync(RdbEncoding encoding)
    {
        var nodes = await ReadLengthAsync("quicklist node count").ConfigureAwait(false);
        var isZiplist = encoding == RdbEncoding.ListQuicklist;
        var chunk = new ChunkBuffer<byte[]>(_options, Math.Min(nodes * 128, (ulong)_options.MaxChunkElements));
        for (ulong n = 0; n < nodes; n++)
        {
            var container = QuicklistPacked;
            if (!isZiplist)
            {
                var offset = BytesConsumed;
                var c = await ReadLengthAsync("quicklist node container").ConfigureAwait(false);
                if (c is not (QuicklistPlain or QuicklistPacked))
                {
                    Fail($"quicklist node container is {c}, expected 1 (plain) or 2 (packed)", offset);
                }

                container = (int)c;
            }

            if (container == QuicklistPlain)
            {
                var offset = BytesConsumed;
                var item = await ReadStringAsync("quicklist plain node").ConfigureAwait(false);
                if (item.Length == 0)
                {
                    Fail("quicklist plain node is empty", offset);
                }

                if (chunk.IsFull)
                {
                    yield return new RdbListChunk(chunk.Index, false, chunk.Take());
                }

                chunk.Add(item, item.Length);
                _valueElements++;
                continue;
            }

            var nodeOffset = BytesConsumed;
            var (block, context) = await ReadBlobAsync(isZiplist ? "quicklist ziplist node" : "quicklist listpack node").ConfigureAwait(false);
            try
            {
                if (block.Length == 0)
                {
                    Fail("quicklist node is empty", nodeOffset);
                }

                var cursor = CompactCursor.Open(block.Span, isZiplist, context);
                while (FillItems(block.Span, ref cursor, context, chunk, out var pending) == FillResult.Full)
                {
                    yield return new RdbListChunk(chunk.Index, false, chunk.Take());
                    chunk.Add(pending, pending.Length);
                    _valueElements++;
                }
            }
            finally
            {
                block.Release();
            }
        }

        yield return new RdbListChunk(chunk.Index, true, chunk.TakeLast());
    }

    private FillResult FillItems(ReadOnlySpan<byte> blob, ref CompactCursor cursor, in BlobContext context, ChunkBuffer<byte[]> chunk, out byte[] pending)
    {
        while (cursor.Next(blob, context, out var entry))
        {
            var item = entry.ToBytes(blob);
            if (chunk.IsFull)
            {
                pending = item;
                return FillResult.Full;
            }

            chunk.Add(item, item.Length);
            _valueElements++;
        }

        pending = [];
        return FillResult.Done;
    }

    private FillResult FillScored(ReadOnlySpan<byte> blob, ref CompactCursor cursor, in BlobContext context, ChunkBuffer<RdbScoredMember> chunk, out RdbScoredMember pending)
    {
        while (cursor.Next(blob, context, out var memberEntry))
        {
            if (!cursor.Next(blob, context, out var scoreEntry))
            {
                context.Fail("sorted set member without a score (odd number of entries)", blob.Length - 1);
            }

            if (!scoreEntry.TryToDouble(blob, out var score))
            {
                context.Fail($"sorted set score \"{Printable(blob.Slice(scoreEntry.Offset, Math.Min(scoreEntry.Length, 64)))}\" is not a number", scoreEntry.Offset);
            }

            var member = new RdbScoredMember(memberEntry.ToBytes(blob), score);
            if (chunk.IsFull)
            {
                pending = member;
                return FillResult.Full;
            }

            chunk.Add(member, member.Member.Length);
            _valueElements++;
        }

        pending = default;
        return FillResult.Done;
    }

    private FillResult FillHash(ReadOnlySpan<byte> blob, ref CompactCursor cursor, in BlobContext context, bool withTtl, ChunkBuffer<RdbHashField> chunk, out RdbHashField pending)
    {
        while (cursor.Next(blob, context, out var fieldEntry))
        {
            if (!cursor.Next(blob, context, out var valueEntry))
            {
                context.Fail("hash field without a value (odd number of entries)", blob.Length - 1);
            }

            long? expireAt = null;
            if (withTtl)
            {
                if (!cursor.Next(blob, context, out var ttlEntry))
                {
                    context.Fail("hash field without its expiry (entries are not a multiple of 3)", blob.Length - 1);
                }

                if (!ttlEntry.IsInteger || ttlEntry.Integer < 0 || (ulong)ttlEntry.Integer > MaxFieldExpire)
                {
                    context.Fail("hash field expiry is not an integer between 0 and 2^48-1", ttlEntry.IsInteger ? 0 : ttlEntry.Offset);
                }

                expireAt = ttlEntry.Integer == 0 ? null : ttlEntry.Integer;
            }

            var field = new RdbHashField(fieldEntry.ToBytes(blob), valueEntry.ToBytes(blob), expireAt);
            if (chunk.IsFull)
            {
                pending = field;
                return FillResult.Full;
            }

            chunk.Add(field, field.Field.Length + field.Value.Length);
            _valueElements++;
        }

        pending = default;
        return FillResult.Done;
    }

    private FillResult FillZipmap(ReadOnlySpan<byte> blob, ref int position, in BlobContext context, ChunkBuffer<RdbHashField> chunk, out RdbHashField pending)
    {
        while (Zipmap.TryReadNext(blob, ref position, context, out var fieldEntry, out var valueEntry))
        {
            var field = new RdbHashField(fieldEntry.ToBytes(blob), valueEntry.ToBytes(blob), null);
            if (chunk.IsFull)
            {
                pending = field;
                return FillResult.Full;
            }

            chunk.Add(field, field.Field.Length + field.Value.Length);
            _valueElements++;
        }

        pending = default;
        return FillResult.Done;
    }
}
