namespace Vdr.Cdc.Host.Output;

/// <summary>
/// An append-only byte buffer that stays in memory up to a threshold and then moves to a temporary file
/// (deleted when disposed), so that a value which must be held back until its end (a stream's entries
/// printed after its metadata, a multi-part string whose UTF-8 validity is known only at its end) never
/// costs more than the threshold in memory.
/// </summary>
public sealed class SpillBuffer : IDisposable
{
    private readonly int _memoryThreshold;
    private readonly string? _directory;
    private MemoryStream _memory = new();
    private FileStream? _file;

    /// <param name="memoryThreshold">Bytes kept in memory before spilling to a temporary file.</param>
    /// <param name="directory">Folder for the temporary file; the system temp folder when null.</param>
    public SpillBuffer(int memoryThreshold = 16 << 20, string? directory = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memoryThreshold);
        _memoryThreshold = memoryThreshold;
        _directory = directory;
    }

    /// <summary>Bytes appended since the last <see cref="Clear"/>.</summary>
    public long Length => _file?.Length ?? _memory.Length;

    /// <summary>True once the content has moved to a temporary file.</summary>
    public bool IsSpilled => _file is not null;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_file is null && _memory.Length + bytes.Length > _memoryThreshold)
        {
            var path = Path.Combine(_directory ?? Path.GetTempPath(), "vdr-cdc-spill-" + Guid.NewGuid().ToString("N") + ".tmp");
            _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _memory.Position = 0;
            _memory.CopyTo(_file);
            _memory = new MemoryStream();
        }

        if (_file is not null)
        {
            _file.Write(bytes);
        }
        else
        {
            _memory.Write(bytes);
        }
    }

    /// <summary>
    /// Hands the content to <paramref name="consume"/> in order, in blocks of at most <paramref name="blockSize"/> bytes
    /// (a multiple of <paramref name="blockMultiple"/> except the last one), with a flag that is true for the last block.
    /// The content is kept.
    /// </summary>
    public void ReadBlocks(int blockSize, int blockMultiple, Action<ReadOnlyMemory<byte>, bool> consume)
    {
        ArgumentNullException.ThrowIfNull(consume);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockMultiple, 1);
        blockSize = Math.Max(blockMultiple, blockSize / blockMultiple * blockMultiple);
        if (_file is null)
        {
            var all = _memory.GetBuffer().AsMemory(0, (int)_memory.Length);
            for (var offset = 0; offset < all.Length; offset += blockSize)
            {
                var block = all.Slice(offset, Math.Min(blockSize, all.Length - offset));
                consume(block, offset + block.Length == all.Length);
            }

            return;
        }

        _file.Flush();
        var total = _file.Length;
        var buffer = new byte[blockSize];
        _file.Position = 0;
        long done = 0;
        while (done < total)
        {
            var want = (int)Math.Min(blockSize, total - done);
            _file.ReadExactly(buffer, 0, want);
            done += want;
            consume(buffer.AsMemory(0, want), done == total);
        }

        _file.Position = total;
    }

    /// <summary>Empties the buffer (and deletes the temporary file, if any).</summary>
    public void Clear()
    {
        _file?.Dispose();
        _file = null;
        if (_memory.Capacity > _memoryThreshold / 4)
        {
            _memory = new MemoryStream();
        }
        else
        {
            _memory.SetLength(0);
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        _memory.Dispose();
    }
}
