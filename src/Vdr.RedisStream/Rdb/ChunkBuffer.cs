namespace Vdr.RedisStream.Rdb;

/// <summary>
/// Collects the items of one value chunk until the element or byte limit is reached. The reader keeps one per item
/// type and reuses it for every value; each chunk's list is new, since the chunk record keeps it.
/// </summary>
internal sealed class ChunkBuffer<T>(RdbReaderOptions options)
{
    private readonly int _maxElements = options.MaxChunkElements;
    private readonly long _maxBytes = options.MaxChunkBytes;
    private List<T>? _items;
    private long _bytes;

    /// <summary>Index of the chunk being filled.</summary>
    public int Index { get; private set; }

    /// <summary>The chunk is full: emit it before adding the next item.</summary>
    public bool IsFull => Items.Count >= _maxElements || _bytes >= _maxBytes;

    private List<T> Items => _items ?? throw new InvalidOperationException("Begin a value before adding items.");

    /// <summary>Starts a value with room for <paramref name="capacity"/> items (at most one chunk's worth).</summary>
    public void Begin(int capacity)
    {
        _items = new List<T>(Math.Min(capacity, _maxElements));
        _bytes = 0;
        Index = 0;
    }

    /// <summary>
    /// Makes room for <paramref name="more"/> items about to be added (a quicklist node's count), so the list does
    /// not grow item by item; the first node of a chunk sizes it exactly.
    /// </summary>
    public void Expect(int more)
    {
        var items = Items;
        var wanted = (int)Math.Min((long)items.Count + more, _maxElements);
        if (wanted > items.Capacity)
        {
            items.Capacity = items.Count == 0 ? wanted : Math.Max(wanted, items.Capacity * 2);
        }
    }

    public void Add(T item, long bytes)
    {
        Items.Add(item);
        _bytes += bytes + 8;
    }

    /// <summary>Hands out the filled items and starts the next chunk.</summary>
    public List<T> Take()
    {
        var items = Items;
        _items = new List<T>(Math.Min(items.Count, 1024));
        _bytes = 0;
        Index++;
        return items;
    }

    /// <summary>Hands out the items of the value's last chunk; <see cref="Begin"/> starts the next value.</summary>
    public List<T> TakeLast()
    {
        var items = Items;
        _items = null;
        _bytes = 0;
        Index++;
        return items;
    }
}
