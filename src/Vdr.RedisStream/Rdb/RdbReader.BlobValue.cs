using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Values held in one nested blob (ziplist, listpack, intset, zipmap): the blob is read whole, then cut into chunks.
public sealed partial class RdbReader
{
    private ByteBlock _valueBlob;
    private BlobContext _valueBlobContext;
    private bool _holdingValueBlob;
    private CompactCursor _valueCursor;

    /// <summary>Next element of an intset, or next byte of a zipmap.</summary>
    private int _blobPosition;
    private int _intsetCount;
    private int _intsetWidth;

    private void HoldValueBlob(ByteBlock block, BlobContext context)
    {
        _valueBlob = block;
        _valueBlobContext = context;
        _holdingValueBlob = true;
    }

    private void ReleaseValueBlob()
    {
        if (_holdingValueBlob)
        {
            _holdingValueBlob = false;
            _valueBlob.Release();
            _valueBlob = default;
        }
    }

    /// <summary>Room for the announced items, but never more than the blob could hold (each takes a byte at least).</summary>
    private static int Announced(int headerCount, ByteBlock blob) => Math.Min(Math.Max(headerCount, 0), blob.Length);

    /// <summary>Reads the blob of a value held in one (ziplist, listpack, intset, zipmap) and returns its first chunk.</summary>
    private async ValueTask<RdbRecord?> OpenBlobValueAsync()
    {
        if (_valueEncoding == RdbEncoding.HashListpackEx)
        {
            // The minimum field expiry, informational only.
            await ReadInt64Async("hash minimum field expiry").ConfigureAwait(false);
        }

        var (block, context) = await ReadBlobAsync(BlobName(_valueEncoding)).ConfigureAwait(false);
        HoldValueBlob(block, context);
        _valueOpened = true;
        OpenBlob(block.Span, context);
        return NextBlobChunk();
    }

    private void OpenBlob(ReadOnlySpan<byte> blob, in BlobContext context)
    {
        switch (_valueEncoding)
        {
            case RdbEncoding.SetIntset:
                _intsetCount = Intset.Validate(blob, context, out _intsetWidth);
                _blobPosition = 0;
                ItemChunk.Begin(Math.Min(_intsetCount, blob.Length));
                break;
            case RdbEncoding.HashZipmap:
                Zipmap.ValidateHeader(blob, context);
                _blobPosition = 1;
                FieldChunk.Begin(Math.Min(blob[0], blob.Length));
                break;
            case RdbEncoding.ListZiplist or RdbEncoding.SetListpack:
                _valueCursor = CompactCursor.Open(blob, IsZiplist(_valueEncoding), context);
                ItemChunk.Begin(Announced(_valueCursor.HeaderCount, _valueBlob));
                break;
            case RdbEncoding.ZSetZiplist or RdbEncoding.ZSetListpack:
                _valueCursor = CompactCursor.Open(blob, IsZiplist(_valueEncoding), context);
                ScoredChunk.Begin(Announced(_valueCursor.HeaderCount / 2, _valueBlob));
                break;
            default:
                // HashZiplist, HashListpack, HashListpackEx(PreGa): pairs or (field, value, expireAt) triples.
                _valueCursor = CompactCursor.Open(blob, IsZiplist(_valueEncoding), context);
                FieldChunk.Begin(Announced(_valueCursor.HeaderCount / (HasFieldTtl(_valueEncoding) ? 3 : 2), _valueBlob));
                break;
        }
    }

    private static bool HasFieldTtl(RdbEncoding encoding) => encoding is RdbEncoding.HashListpackEx or RdbEncoding.HashListpackExPreGa;

    /// <summary>The next chunk of the held blob value; the last one lets go of the blob.</summary>
    private RdbRecord NextBlobChunk()
    {
        var blob = _valueBlob.Span;
        switch (_valueEncoding)
        {
            case RdbEncoding.SetIntset:
                return NextIntsetChunk(blob);
            case RdbEncoding.HashZipmap:
                return NextZipmapChunk(blob);
            case RdbEncoding.ListZiplist or RdbEncoding.SetListpack:
                {
                    var isSet = _valueEncoding == RdbEncoding.SetListpack;
                    var chunk = ItemChunk;
                    var index = chunk.Index;
                    if (FillItems(blob, ref _valueCursor, _valueBlobContext, chunk, out var pending) == FillResult.Full)
                    {
                        var items = chunk.Take();
                        chunk.Add(pending, pending.Length);
                        _valueElements++;
                        return MakeItemsChunk(isSet, index, false, items);
                    }

                    return LastOfValue(MakeItemsChunk(isSet, index, true, chunk.TakeLast()));
                }

            case RdbEncoding.ZSetZiplist or RdbEncoding.ZSetListpack:
                {
                    var chunk = ScoredChunk;
                    var index = chunk.Index;
                    if (FillScored(blob, ref _valueCursor, _valueBlobContext, chunk, out var pending) == FillResult.Full)
                    {
                        var members = chunk.Take();
                        chunk.Add(pending, pending.Member.Length);
                        _valueElements++;
                        return new RdbSortedSetChunk(index, false, members);
                    }

                    return LastOfValue(new RdbSortedSetChunk(index, true, chunk.TakeLast()));
                }

            default:
                {
                    var chunk = FieldChunk;
                    var index = chunk.Index;
                    if (FillHash(blob, ref _valueCursor, _valueBlobContext, HasFieldTtl(_valueEncoding), chunk, out var pending) == FillResult.Full)
                    {
                        var fields = chunk.Take();
                        chunk.Add(pending, pending.Field.Length + pending.Value.Length);
                        _valueElements++;
                        return new RdbHashChunk(index, false, fields);
                    }

                    return LastOfValue(new RdbHashChunk(index, true, chunk.TakeLast()));
                }
        }
    }

    private RdbRecord NextIntsetChunk(ReadOnlySpan<byte> blob)
    {
        var chunk = ItemChunk;
        for (; _blobPosition < _intsetCount; _blobPosition++)
        {
            if (chunk.IsFull)
            {
                return new RdbSetChunk(chunk.Index, false, chunk.Take());
            }

            var text = CompactEntry.FormatInteger(Intset.Get(blob, _intsetWidth, _blobPosition));
            chunk.Add(text, text.Length);
        }

        _valueElements = _intsetCount;
        return LastOfValue(new RdbSetChunk(chunk.Index, true, chunk.TakeLast()));
    }

    private RdbRecord NextZipmapChunk(ReadOnlySpan<byte> blob)
    {
        var chunk = FieldChunk;
        var index = chunk.Index;
        if (FillZipmap(blob, ref _blobPosition, _valueBlobContext, chunk, out var pending) == FillResult.Full)
        {
            var fields = chunk.Take();
            chunk.Add(pending, pending.Field.Length + pending.Value.Length);
            _valueElements++;
            return new RdbHashChunk(index, false, fields);
        }

        var announced = blob[0];
        if (announced < 254 && announced != _valueElements)
        {
            _valueBlobContext.Fail($"header announces {announced} pairs but {_valueElements} were found", 0);
        }

        return LastOfValue(new RdbHashChunk(index, true, chunk.TakeLast()));
    }
}
