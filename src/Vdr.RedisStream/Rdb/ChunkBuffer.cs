namespace Vdr.RedisStream.Rdb;

/// <summary>Collects the items of one value chunk until the element or byte limit is reached.</summary>
internal sealed class ChunkBuffer<T>
{
    private readonly int _maxElements;
    private readonly long _maxBytes;
    private long _bytes;

    public ChunkBuffer(RdbReaderOptions options, ulong expected)
    {
        _maxElements = options.MaxChunkElements;
        _maxBytes = options.MaxChunkBytes;
        Items = new List<T>((int)Math.Min(expected, (ulong)Math.Min(_maxElements, 1024)));
    }

    public List<T> Items { get; private set; }

    /// <summary>Index of the chunk being filled.</summary>
    public int Index { get; private set; }

    /// <summary>The chunk is full: emit it before adding the next item.</summary>
    public bool IsFull => Items.Count >= _maxElements || _bytes >= _maxBytes;

    public void Add(T item, long bytes)
    {
        Items.Add(item);
        _bytes += bytes + 8;
    }

    /// <summary>Hands out the filled items and starts the next chunk.</summary>
    public List<T> Take()
    {
        var items = Items;
        Items = new List<T>(Math.Min(items.Count, 1024));
        _bytes = 0;
        Index++;
        return items;
    }

    /// <summary>Hands out the items of the last chunk (no next chunk is prepared).</summary>
    public List<T> TakeLast()
    {
        var items = Items;
        Items = [];
        _bytes = 0;
        Index++;
        return items;
    }
}
