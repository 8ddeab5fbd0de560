namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>A forward walk over a ziplist or a listpack, with the element count its header announced.</summary>
internal struct CompactCursor
{
    private ZiplistCursor _ziplist;
    private int _listpackPosition;
    private bool _isZiplist;

    /// <summary>Element count from the header, -1 when the header says "unknown".</summary>
    public int HeaderCount { get; private set; }

    /// <summary>Entries read so far.</summary>
    public int Read { get; private set; }

    public static CompactCursor Open(ReadOnlySpan<byte> blob, bool isZiplist, in BlobContext context)
    {
        var cursor = new CompactCursor { _isZiplist = isZiplist };
        if (isZiplist)
        {
            cursor.HeaderCount = Ziplist.ReadHeader(blob, context, out cursor._ziplist);
        }
        else
        {
            cursor.HeaderCount = Listpack.ReadHeader(blob, context, out cursor._listpackPosition);
        }

        return cursor;
    }

    /// <summary>The next entry; false at the end marker (after checking the header count).</summary>
    public bool Next(ReadOnlySpan<byte> blob, in BlobContext context, out CompactEntry entry)
    {
        var more = _isZiplist
            ? Ziplist.TryReadNext(blob, ref _ziplist, context, out entry)
            : Listpack.TryReadNext(blob, ref _listpackPosition, context, out entry);
        if (more)
        {
            Read++;
            return true;
        }

        if (HeaderCount >= 0 && HeaderCount != Read)
        {
            context.Fail($"header announces {HeaderCount} elements but {Read} were found", _isZiplist ? 8 : 4);
        }

        return false;
    }
}
