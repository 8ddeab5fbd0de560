using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Transport;

/// <summary>
/// Drains a network stream at network speed into memory (up to a budget) and then into a temporary spill file
/// (up to a cap), and gives the bytes back in order through <see cref="Output"/>. So a slow consumer never
/// makes the primary's replica output buffer overflow. A read failure is reported to the reader only after
/// every byte received before it has been read.
/// </summary>
internal sealed partial class ReplicationSpool : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly Stream _source;
    private readonly long _memoryBudget;
    private readonly long _maxFileBytes;
    private readonly string _directory;
    private readonly TimeSpan _readTimeout;
    private readonly object _gate = new();
    private readonly Queue<(byte[] Buffer, int Length)> _memory = new();
    private readonly CancellationTokenSource _stop = new();
    private int _headOffset;
    private long _memoryBytes;
    private bool _spilling;
    private SafeFileHandle? _file;
    private string? _filePath;
    private long _fileWrite;
    private long _fileRead;
    private bool _completed;
    private Exception? _error;
    private TaskCompletionSource? _waiter;
    private Task? _drain;

    public ReplicationSpool(Stream source, long memoryBudget, long maxFileBytes, string? directory, TimeSpan readTimeout)
    {
        _source = source;
        _memoryBudget = Math.Max(memoryBudget, ChunkSize);
        _maxFileBytes = maxFileBytes;
        _directory = directory ?? Path.GetTempPath();
        _readTimeout = readTimeout;
        Output = new SpoolStream(this);
    }

    /// <summary>The bytes received, in order. Reading waits for more; it ends (0) when the source ended cleanly.</summary>
    public Stream Output { get; }

    /// <summary>Every byte received from the source.</summary>
    public long ReceivedBytes { get; private set; }

    /// <summary>Bytes received but not yet read through <see cref="Output"/>.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_gate)
            {
                return _memoryBytes + (_fileWrite - _fileRead);
            }
        }
    }

    /// <summary>The largest spill file size reached so far.</summary>
    public long PeakSpilledBytes { get; private set; }

    /// <summary>Time of the last byte received (UTC ticks), for liveness.</summary>
    public long LastReceiveTicks { get; private set; } = DateTime.UtcNow.Ticks;

    public void Start() => _drain = Task.Run(DrainAsync);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_drain is not null)
        {
            try
            {
                await _drain.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The drain ends with the connection; its error has been handed to the reader already.
            }
        }

        lock (_gate)
        {
            while (_memory.TryDequeue(out var chunk))
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }

            _memoryBytes = 0;
            _file?.Dispose();
            _file = null;
            _completed = true;
            _waiter?.TrySetResult();
        }

        _stop.Dispose();
    }

    private async Task DrainAsync()
    {
        using var timeout = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, timeout.Token);
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                int n;
                try
                {
                    timeout.CancelAfter(_readTimeout);
                    n = await _source.ReadAsync(buffer.AsMemory(0, ChunkSize), linked.Token).ConfigureAwait(false);
                    timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    Complete(new RedisReplicationException("The server closed the connection.", isTransient: true));
                    return;
                }

                LastReceiveTicks = DateTime.UtcNow.Ticks;
                Append(buffer, n);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            Complete(new RedisReplicationException($"No data from the server for {_readTimeout.TotalSeconds:0.#} s (ReadTimeout): the link is considered dead.", isTransient: true));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            Complete(new RedisReplicationException("The connection was closed by the client.", isTransient: true));
        }
        catch (SpoolFullException ex)
        {
            Complete(ex);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            Complete(new RedisReplicationException($"Connection lost: {ex.Message}", isTransient: true, ex));
        }
    }

    private void Append(byte[] buffer, int length)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (!_spilling && _memoryBytes + length <= _memoryBudget)
            {
                _memory.Enqueue((buffer, length));
                _memoryBytes += length;
            }
            else
            {
                try
                {
                    SpillLocked(buffer, length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            ReceivedBytes += length;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    private void SpillLocked(byte[] buffer, int length)
    {
        if (_file is null)
        {
            Directory.CreateDirectory(_directory);
            _filePath = Path.Combine(_directory, $"vdr-spool-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
            _file = File.OpenHandle(_filePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        }

        if (_fileWrite + length > _maxFileBytes)
        {
            throw new SpoolFullException(_filePath!, _maxFileBytes);
        }

        RandomAccess.Write(_file, buffer.AsSpan(0, length), _fileWrite);
        _fileWrite += length;
        _spilling = true;
        PeakSpilledBytes = Math.Max(PeakSpilledBytes, _fileWrite);
    }

    private void Complete(Exception? error)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _completed = true;
            _error ??= error;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    private async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            Task wait = Task.CompletedTask;
            long fileAt;
            int fileCount;
            lock (_gate)
            {
                if (_memory.TryPeek(out var head))
                {
                    var available = head.Length - _headOffset;
                    var n = Math.Min(available, destination.Length);
                    head.Buffer.AsSpan(_headOffset, n).CopyTo(destination.Span);
                    _headOffset += n;
                    _memoryBytes -= n;
                    if (_headOffset == head.Length)
                    {
                        _memory.Dequeue();
                        _headOffset = 0;
                        ArrayPool<byte>.Shared.Return(head.Buffer);
                    }

                    return n;
                }

                if (_fileRead < _fileWrite)
                {
                    fileAt = _fileRead;
                    fileCount = (int)Math.Min(destination.Length, _fileWrite - _fileRead);
                }
                else
                {
                    if (_spilling)
                    {
                        // Everything spilled has been read: start over in memory and reuse the file from its start.
                        _spilling = false;
                        _fileRead = 0;
                        _fileWrite = 0;
                    }

                    if (_completed)
                    {
                        if (_error is not null)
                        {
                            throw _error is RedisStreamException ? _error : new RedisReplicationException(_error.Message, true, _error);
                        }

                        return 0;
                    }

                    _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _waiter.Task;
                    fileCount = 0;
                    fileAt = 0;
                }
            }

            if (fileCount > 0)
            {
                var read = RandomAccess.Read(_file!, destination.Span[..fileCount], fileAt);
                lock (_gate)
                {
                    _fileRead += read;
                }

                return read;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
