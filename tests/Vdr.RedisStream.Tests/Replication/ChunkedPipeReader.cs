using System.Buffers;
using System.IO.Pipelines;
using Vdr.RedisStream.Tests.Resp;

namespace Vdr.RedisStream.Tests.Replication;

/// <summary>A pipe reader that reveals a payload chunk by chunk (a new chunk only once everything shown was examined).</summary>
internal sealed class ChunkedPipeReader(byte[] data, IReadOnlyList<int> chunkSizes) : PipeReader
{
    private readonly List<int> _boundaries = Boundaries(data.Length, chunkSizes);
    private int _revealedChunks;
    private long _consumed;
    private bool _examinedAll = true;
    private ReadOnlySequence<byte> _buffer;

    public long Consumed => _consumed;

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _consumed += _buffer.Slice(_buffer.Start, consumed).Length;
        _examinedAll = _buffer.Slice(examined).IsEmpty;
    }

    public override void CancelPendingRead()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        TryRead(out var result);
        return ValueTask.FromResult(result);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_examinedAll && _revealedChunks < _boundaries.Count)
        {
            _revealedChunks++;
        }

        var revealedEnd = _revealedChunks == 0 ? 0 : _boundaries[_revealedChunks - 1];
        var parts = new List<byte[]>();
        var start = (int)_consumed;
        foreach (var boundary in _boundaries.Take(_revealedChunks))
        {
            var chunkStart = _boundaries.TakeWhile(b => b < boundary).LastOrDefault();
            var from = Math.Max(start, chunkStart);
            if (boundary > from)
            {
                parts.Add(data[from..boundary]);
            }
        }

        _buffer = Segments.Create(parts);
        _examinedAll = false;
        result = new ReadResult(_buffer, false, revealedEnd == data.Length);
        return true;
    }

    private static List<int> Boundaries(int length, IReadOnlyList<int> sizes)
    {
        var list = new List<int>();
        var at = 0;
        foreach (var size in sizes)
        {
            if (at >= length)
            {
                break;
            }

            at = Math.Min(length, at + size);
            list.Add(at);
        }

        if (at < length)
        {
            list.Add(length);
        }

        return list;
    }
}
