using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Decoding the nested blobs (ziplist, listpack, intset, zipmap) into chunks: the element loops shared by single-blob
// values and quicklist nodes.
public sealed partial class RdbReader
{
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
