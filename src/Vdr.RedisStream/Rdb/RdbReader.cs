using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Vdr.RedisStream.Rdb;

/// <summary>
/// Streaming pull reader of an RDB snapshot (Redis RDB 1-13 where known, Valkey VALKEY080) over a
/// <see cref="PipeReader"/>. Records come in file order: header, AUX fields, functions, then per key
/// <see cref="RdbKeyStart"/>, one or more value chunks, <see cref="RdbKeyEnd"/>, and finally <see cref="RdbEnd"/>.
/// The reader consumes exactly the snapshot's bytes: whatever follows the checksum stays in the pipe.
/// Bad input raises <see cref="RdbFormatException"/> with the byte offset and what was expected.
/// </summary>
public sealed partial class RdbReader : IAsyncDisposable
{
    private readonly PipeReader _input;
    private readonly bool _ownsInput;
    private readonly RdbReaderOptions _options;
    private IAsyncEnumerator<RdbRecord>? _records;
    private RdbRecord? _current;
    private bool _finished;
    private bool _faulted;
    private bool _disposed;

    public RdbReader(PipeReader input, RdbReaderOptions? options = null)
        : this(input, options, ownsInput: false)
    {
    }

    private RdbReader(PipeReader input, RdbReaderOptions? options, bool ownsInput)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _ownsInput = ownsInput;
        _options = options ?? new RdbReaderOptions();
        if (_options.MaxChunkElements < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxChunkElements must be at least 1.");
        }

        if (_options.MaxChunkBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxChunkBytes must be at least 1.");
        }
    }

    /// <summary>RDB version from the header (0 until the header has been read).</summary>
    public int Version { get; private set; }

    /// <summary>"REDIS" or "VALKEY" once the header has been read.</summary>
    public string? Magic { get; private set; }

    /// <summary>The record the last successful <see cref="ReadAsync"/> moved to.</summary>
    public RdbRecord Current => _current ?? throw new InvalidOperationException("Call ReadAsync first; there is no current record.");

    /// <summary>Opens an RDB file for sequential reading; the reader owns and closes the file.</summary>
    public static RdbReader FromFile(string path, RdbReaderOptions? options = null)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var pipe = PipeReader.Create(new SynchronousFileStream(stream), new StreamPipeReaderOptions(bufferSize: 256 * 1024, minimumReadSize: 64 * 1024, leaveOpen: false));
        return new RdbReader(pipe, options, ownsInput: true);
    }

    /// <summary>Moves to the next record; false once the EOF opcode and checksum have been read.</summary>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished)
        {
            return new ValueTask<bool>(false);
        }

        if (_faulted)
        {
            throw new InvalidOperationException("The reader failed earlier; it cannot continue.");
        }

        _cancellationToken = cancellationToken;
        _records ??= ReadRecordsAsync().GetAsyncEnumerator(CancellationToken.None);
        ValueTask<bool> next;
        try
        {
            next = _records.MoveNextAsync();
            if (next.IsCompletedSuccessfully)
            {
                return new ValueTask<bool>(Advanced(next.Result));
            }
        }
        catch
        {
            _faulted = true;
            throw;
        }

        return AwaitNextAsync(next);
    }

    private async ValueTask<bool> AwaitNextAsync(ValueTask<bool> next)
    {
        try
        {
            return Advanced(await next.ConfigureAwait(false));
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    private bool Advanced(bool moved)
    {
        if (moved)
        {
            _current = _records!.Current;
            return true;
        }

        _finished = true;
        _current = null;
        return false;
    }

    /// <summary>All remaining records.</summary>
    public async IAsyncEnumerable<RdbRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Current;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_records is not null)
        {
            await _records.DisposeAsync().ConfigureAwait(false);
        }

        ReleaseInput();
        if (_ownsInput)
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
    }
}
