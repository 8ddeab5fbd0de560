using System.Buffers;
using System.IO.Pipelines;

namespace Vdr.Testing;

/// <summary>
/// A <see cref="PipeReader"/> over bytes held in memory that makes them arrive a few at a time: every read that
/// follows a read whose data was examined to the end reveals only <c>chunkSize</c> more bytes. With a chunk size of 1
/// this is "one byte per chunk" without the cost of a real pipe and a writer thread.
/// </summary>
public sealed class TricklePipeReader : PipeReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly int _chunkSize;
    private int _consumed;
    private int _examined;
    private int _available;
    private bool _completed;
    private ReadOnlySequence<byte> _last;

    public TricklePipeReader(ReadOnlyMemory<byte> data, int chunkSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _data = data;
        _chunkSize = chunkSize;
    }

    /// <summary>How many reads were served.</summary>
    public long Reads { get; private set; }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var consumedAt = _consumed + (int)_last.Slice(0, consumed).Length;
        var examinedAt = _consumed + (int)_last.Slice(0, examined).Length;
        if (consumedAt < _consumed || consumedAt > _available || examinedAt < consumedAt || examinedAt > _available)
        {
            throw new InvalidOperationException("AdvanceTo was given positions outside the last buffer.");
        }

        _consumed = consumedAt;
        _examined = Math.Max(_examined, examinedAt);
    }

    public override void CancelPendingRead()
    {
    }

    public override void Complete(Exception? exception = null) => _completed = true;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_completed, this);
        Reads++;
        if (_examined >= _available)
        {
            _available = Math.Min(_data.Length, _available + _chunkSize);
        }

        return ValueTask.FromResult(Current());
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_examined >= _available && _available < _data.Length)
        {
            result = default;
            return false;
        }

        result = Current();
        return true;
    }

    private ReadResult Current()
    {
        _last = new ReadOnlySequence<byte>(_data[_consumed.._available]);
        return new ReadResult(_last, isCanceled: false, isCompleted: _available == _data.Length);
    }
}
