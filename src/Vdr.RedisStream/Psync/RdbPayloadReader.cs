using System.Buffers;
using System.IO.Pipelines;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Psync;

/// <summary>
/// A <see cref="PipeReader"/> over the snapshot part of the replication connection that ends exactly at the
/// end of the payload: after <c>len</c> bytes for a disk transfer, or right before the 40-byte end mark of a
/// diskless one. The mark is found even when it is split across reads, and never handed to the RDB reader: up to
/// 39 trailing bytes are held back until it is known that they do not start the mark.
/// </summary>
internal sealed class RdbPayloadReader : PipeReader
{
    private readonly PipeReader _inner;
    private readonly TransferHeader _header;
    private long _consumed;
    private long _markAt = -1;
    private long _searchedTo;
    private ReadOnlySequence<byte> _innerBuffer;
    private ReadOnlySequence<byte> _visible;
    private bool _visibleIsEnd;

    public RdbPayloadReader(PipeReader inner, TransferHeader header)
    {
        _inner = inner;
        _header = header;
    }

    /// <summary>Payload bytes consumed so far.</summary>
    public long Consumed => _consumed;

    /// <summary>Payload size: the header's length, or where the end mark was found (-1 while unknown).</summary>
    public long PayloadLength => _header.IsDiskless ? _markAt : _header.Length;

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _consumed += _innerBuffer.Slice(_innerBuffer.Start, consumed).Length;
        var examinedAll = _visible.Slice(examined).IsEmpty;
        if (examinedAll && !_visibleIsEnd)
        {
            // Everything we showed was examined and the payload goes on: wait for new bytes (held-back ones included).
            _inner.AdvanceTo(consumed, _innerBuffer.End);
        }
        else
        {
            _inner.AdvanceTo(consumed, examined);
        }

        _innerBuffer = default;
        _visible = default;
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    /// <summary>Does not complete the connection's reader: the command stream follows the payload.</summary>
    public override void Complete(Exception? exception = null)
    {
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (Present(result, out var view))
            {
                return view;
            }
        }
    }

    public override bool TryRead(out ReadResult result)
    {
        while (_inner.TryRead(out var inner))
        {
            if (Present(inner, out result))
            {
                return true;
            }
        }

        result = default;
        return false;
    }

    /// <summary>
    /// After the RDB reader finished: skips whatever payload it left unread (normally nothing), then for a
    /// diskless transfer checks and consumes the end mark. Returns the payload length.
    /// </summary>
    public async ValueTask<long> FinishAsync(CancellationToken cancellationToken)
    {
        while (PayloadLength < 0 || _consumed < PayloadLength)
        {
            var result = await ReadAsync(cancellationToken).ConfigureAwait(false);
            AdvanceTo(result.Buffer.End);
        }

        if (_header.IsDiskless)
        {
            // The mark follows right here: consume exactly its 40 bytes.
            while (true)
            {
                var result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (result.Buffer.Length >= TransferHeader.EofMarkLength)
                {
                    var mark = result.Buffer.Slice(0, TransferHeader.EofMarkLength);
                    if (!mark.ToArray().AsSpan().SequenceEqual(_header.EofMark))
                    {
                        _inner.AdvanceTo(result.Buffer.Start);
                        throw new RedisReplicationException("The diskless snapshot did not end with its announced end mark.", isTransient: false);
                    }

                    _inner.AdvanceTo(mark.End);
                    break;
                }

                _inner.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                if (result.IsCompleted)
                {
                    throw Truncated();
                }
            }
        }

        return PayloadLength;
    }

    private bool Present(ReadResult result, out ReadResult view)
    {
        view = default;
        var buffer = result.Buffer;
        _innerBuffer = buffer;
        if (result.IsCanceled)
        {
            _visible = buffer.Slice(0, 0);
            _visibleIsEnd = false;
            view = new ReadResult(_visible, isCanceled: true, isCompleted: false);
            return true;
        }

        if (_header.IsDiskless)
        {
            if (_markAt < 0)
            {
                FindMark(buffer);
            }

            if (_markAt >= 0)
            {
                _visible = buffer.Slice(0, _markAt - _consumed);
                _visibleIsEnd = true;
            }
            else
            {
                // Everything before the first place where the mark may start.
                _visible = buffer.Slice(0, Math.Min(buffer.Length, _searchedTo - _consumed));
                _visibleIsEnd = false;
            }
        }
        else
        {
            var remaining = _header.Length - _consumed;
            _visible = buffer.Slice(0, Math.Min(buffer.Length, remaining));
            _visibleIsEnd = _visible.Length == remaining;
        }

        if (!_visibleIsEnd && result.IsCompleted)
        {
            _inner.AdvanceTo(buffer.Start);
            _innerBuffer = default;
            throw Truncated();
        }

        if (_visible.IsEmpty && !_visibleIsEnd)
        {
            // Only held-back bytes (a possible start of the mark): wait for more.
            _inner.AdvanceTo(buffer.Start, buffer.End);
            _innerBuffer = default;
            return false;
        }

        view = new ReadResult(_visible, isCanceled: false, isCompleted: _visibleIsEnd);
        return true;
    }

    private void FindMark(ReadOnlySequence<byte> buffer)
    {
        var mark = _header.EofMark!;
        var from = Math.Max(0, _searchedTo - _consumed);
        if (from >= buffer.Length)
        {
            return;
        }

        // Vectorized search inside each segment; only a start in a segment's last 39 bytes needs the sequence.
        var segmentStart = from;
        foreach (var memory in buffer.Slice(from))
        {
            var span = memory.Span;
            var at = span.IndexOf(mark);
            if (at >= 0)
            {
                _markAt = _consumed + segmentStart + at;
                return;
            }

            for (var i = Math.Max(0, span.Length - mark.Length + 1); i < span.Length; i++)
            {
                if (span[i] != mark[0])
                {
                    continue;
                }

                var candidate = buffer.Slice(segmentStart + i);
                if (candidate.Length < mark.Length)
                {
                    // May be the start of the mark: look again from here when more bytes arrive.
                    _searchedTo = _consumed + segmentStart + i;
                    return;
                }

                if (new SequenceReader<byte>(candidate).IsNext(mark))
                {
                    _markAt = _consumed + segmentStart + i;
                    return;
                }
            }

            segmentStart += span.Length;
        }

        _searchedTo = _consumed + buffer.Length;
    }

    private static RedisReplicationException Truncated() =>
        new("The connection closed in the middle of the snapshot transfer.", isTransient: true);
}
