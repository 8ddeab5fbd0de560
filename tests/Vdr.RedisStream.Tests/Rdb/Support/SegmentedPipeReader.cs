using System.Buffers;
using System.IO.Pipelines;

namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>
/// A PipeReader over fixed data that hands it out one piece per read, keeping every piece in its own buffer
/// segment, so a parser sees exactly the given boundaries. Checks that AdvanceTo is used as the contract says.
/// </summary>
public sealed class SegmentedPipeReader : PipeReader
{
    private readonly byte[] _data;
    private readonly int[] _cuts;   // piece end offsets, ascending, last = data length
    private int _delivered;         // pieces handed out
    private long _consumed;
    private bool _outstanding;
    private ReadOnlySequence<byte> _last;

    public SegmentedPipeReader(byte[] data, IEnumerable<int> pieceSizes)
    {
        _data = data;
        var cuts = new List<int>();
        var at = 0;
        foreach (var size in pieceSizes)
        {
            if (size <= 0 || at >= data.Length)
            {
                continue;
            }

            at = Math.Min(data.Length, at + size);
            cuts.Add(at);
        }

        if (at < data.Length)
        {
            cuts.Add(data.Length);
        }

        _cuts = [.. cuts];
    }

    /// <summary>Bytes the consumer has consumed (AdvanceTo).</summary>
    public long Consumed => _consumed;

    public bool Completed { get; private set; }

    public static SegmentedPipeReader SplitAt(byte[] data, int split) => new(data, [split, data.Length]);

    public static SegmentedPipeReader OneBytePerRead(byte[] data) => new(data, Enumerable.Repeat(1, data.Length));

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (!_outstanding)
        {
            throw new InvalidOperationException("AdvanceTo without a pending read.");
        }

        _outstanding = false;
        _consumed += _last.Slice(0, consumed).Length;
        _ = _last.Slice(0, examined).Length;
    }

    public override void CancelPendingRead()
    {
    }

    public override void Complete(Exception? exception = null) => Completed = true;

    public override bool TryRead(out ReadResult result)
    {
        result = Read();
        return true;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Read());

    private ReadResult Read()
    {
        if (_outstanding)
        {
            throw new InvalidOperationException("ReadAsync while the previous read was not advanced.");
        }

        if (_delivered < _cuts.Length)
        {
            _delivered++;
        }

        var end = _delivered == 0 ? 0 : _cuts[_delivered - 1];
        _last = Build(_consumed, end);
        _outstanding = true;
        return new ReadResult(_last, isCanceled: false, isCompleted: _delivered == _cuts.Length);
    }

    private ReadOnlySequence<byte> Build(long from, int to)
    {
        if (from >= to)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        var start = (int)from;
        var firstCut = Array.BinarySearch(_cuts, start);
        firstCut = firstCut >= 0 ? firstCut + 1 : ~firstCut;
        for (var c = firstCut; c < _cuts.Length; c++)
        {
            var cut = _cuts[c];

            var pieceEnd = Math.Min(cut, to);
            var segment = new Segment(_data.AsMemory(start, pieceEnd - start));
            if (first is null)
            {
                first = last = segment;
            }
            else
            {
                last = last!.Append(segment);
            }

            start = pieceEnd;
            if (start >= to)
            {
                break;
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
