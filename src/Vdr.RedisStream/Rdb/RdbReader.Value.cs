namespace Vdr.RedisStream.Rdb;

// The value of a key, pulled one record at a time. Its decoding state lives in the reader's fields (one value is
// read at a time), so reading a value allocates no iterator: a value already in the buffer (most keys, one chunk)
// is read without suspending, which a ValueTask method does without allocating. Streams keep an iterator.
public sealed partial class RdbReader
{
    private enum ValueKind
    {
        /// <summary>No value being read, or its last record has been read.</summary>
        None,
        Blob,
        Quicklist,
        PlainList,
        PlainSet,
        PlainZSet,
        PlainHash,
        Module,
        Stream,
    }

    private ValueKind _valueKind;
    private RdbEncoding _valueEncoding;

    /// <summary>The value's header (element or node count, blob) has been read.</summary>
    private bool _valueOpened;

    /// <summary>Elements (plain encodings) or nodes (quicklists) the value announced, and how many were read.</summary>
    private ulong _valueCount;
    private ulong _valueIndex;

    private IAsyncEnumerator<RdbRecord>? _valueRecords;
    private ChunkBuffer<byte[]>? _itemChunk;
    private ChunkBuffer<RdbScoredMember>? _scoredChunk;
    private ChunkBuffer<RdbHashField>? _fieldChunk;

    private ChunkBuffer<byte[]> ItemChunk => _itemChunk ??= new ChunkBuffer<byte[]>(_options);

    private ChunkBuffer<RdbScoredMember> ScoredChunk => _scoredChunk ??= new ChunkBuffer<RdbScoredMember>(_options);

    private ChunkBuffer<RdbHashField> FieldChunk => _fieldChunk ??= new ChunkBuffer<RdbHashField>(_options);

    /// <summary>Starts reading the value of a key of <paramref name="encoding"/> (not a string).</summary>
    private void BeginValue(RdbEncoding encoding)
    {
        _valueEncoding = encoding;
        _valueOpened = false;
        _valueKind = encoding switch
        {
            RdbEncoding.List => ValueKind.PlainList,
            RdbEncoding.Set => ValueKind.PlainSet,
            RdbEncoding.ZSet or RdbEncoding.ZSet2 => ValueKind.PlainZSet,
            RdbEncoding.Hash or RdbEncoding.HashMetadataPreGa or RdbEncoding.HashMetadata or RdbEncoding.ValkeyHash2 => ValueKind.PlainHash,
            RdbEncoding.Module2 => ValueKind.Module,
            RdbEncoding.ListQuicklist or RdbEncoding.ListQuicklist2 => ValueKind.Quicklist,
            RdbEncoding.StreamListpacks or RdbEncoding.StreamListpacks2 or RdbEncoding.StreamListpacks3 => ValueKind.Stream,
            _ => ValueKind.Blob,
        };
    }

    /// <summary>The value's next record; null after its last.</summary>
    private ValueTask<RdbRecord?> ReadValueRecordAsync() => _valueKind switch
    {
        ValueKind.None => new ValueTask<RdbRecord?>(result: null),
        ValueKind.Blob when _valueOpened => new ValueTask<RdbRecord?>(NextBlobChunk()),
        ValueKind.Blob => OpenBlobValueAsync(),
        ValueKind.Quicklist => ReadQuicklistChunkAsync(),
        ValueKind.PlainList => ReadPlainItemsChunkAsync(isSet: false),
        ValueKind.PlainSet => ReadPlainItemsChunkAsync(isSet: true),
        ValueKind.PlainZSet => ReadPlainZSetChunkAsync(),
        ValueKind.PlainHash => ReadPlainHashChunkAsync(),
        ValueKind.Module => ReadModuleValueAsync(),
        _ => ReadStreamRecordAsync(),
    };

    /// <summary>The value's last record has been produced.</summary>
    private RdbRecord LastOfValue(RdbRecord record)
    {
        _valueKind = ValueKind.None;
        ReleaseValueBlob();
        return record;
    }

    private async ValueTask<RdbRecord?> ReadStreamRecordAsync()
    {
        _valueRecords ??= ReadStreamAsync(_valueEncoding).GetAsyncEnumerator();
        if (await _valueRecords.MoveNextAsync().ConfigureAwait(false))
        {
            return _valueRecords.Current;
        }

        await EndValueAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Lets go of what the value held: its blob, its iterator (also when reading it failed or stopped early).</summary>
    private async ValueTask EndValueAsync()
    {
        _valueKind = ValueKind.None;
        ReleaseValueBlob();
        if (_valueRecords is { } records)
        {
            _valueRecords = null;
            await records.DisposeAsync().ConfigureAwait(false);
        }
    }
}
