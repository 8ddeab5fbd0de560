using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Lists stored as quicklists: a node count, then ziplist nodes (type 14) or listpack / plain nodes (type 18).
public sealed partial class RdbReader
{
    private const int QuicklistPlain = 1;
    private const int QuicklistPacked = 2;

    /// <summary>
    /// The next chunk of a list stored as a quicklist: nodes of ziplists (type 14) or of listpacks / plain elements
    /// (type 18). A node that fills a chunk stays held for the next call.
    /// </summary>
    private async ValueTask<RdbRecord?> ReadQuicklistChunkAsync()
    {
        var isZiplist = _valueEncoding == RdbEncoding.ListQuicklist;
        var chunk = ItemChunk;
        if (!_valueOpened)
        {
            _valueCount = await ReadLengthAsync("quicklist node count").ConfigureAwait(false);
            _valueIndex = 0;
            _valueOpened = true;
            chunk.Begin(0);
        }

        while (true)
        {
            if (_holdingValueBlob)
            {
                var index = chunk.Index;
                if (FillItems(_valueBlob.Span, ref _valueCursor, _valueBlobContext, chunk, out var pending) == FillResult.Full)
                {
                    var items = chunk.Take();
                    chunk.Add(pending, pending.Length);
                    _valueElements++;
                    return new RdbListChunk(index, false, items);
                }

                ReleaseValueBlob();
            }

            if (_valueIndex == _valueCount)
            {
                return LastOfValue(new RdbListChunk(chunk.Index, true, chunk.TakeLast()));
            }

            _valueIndex++;
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

                var index = chunk.Index;
                var full = chunk.IsFull ? chunk.Take() : null;
                chunk.Add(item, item.Length);
                _valueElements++;
                if (full is not null)
                {
                    return new RdbListChunk(index, false, full);
                }

                continue;
            }

            var nodeOffset = BytesConsumed;
            var (block, context) = await ReadBlobAsync(isZiplist ? "quicklist ziplist node" : "quicklist listpack node").ConfigureAwait(false);
            HoldValueBlob(block, context);
            if (block.Length == 0)
            {
                Fail("quicklist node is empty", nodeOffset);
            }

            _valueCursor = CompactCursor.Open(block.Span, isZiplist, context);
            chunk.Expect(Announced(_valueCursor.HeaderCount, block));
        }
    }
}
