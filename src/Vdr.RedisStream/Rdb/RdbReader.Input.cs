using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Input layer: walks the PipeReader's buffer one segment at a time. Every primitive has a synchronous fast path
// over the current segment and an async slow path that gathers across segments and reads more input; bytes are
// consumed only once they have been copied out or parsed, so waiting for input never loses state.
public sealed partial class RdbReader
{
    private const int DirectAllocationLimit = 256 * 1024;
    private const int InitialGrowableBytes = 64 * 1024;

    private readonly byte[] _scratch = new byte[256];
    private ReadOnlySequence<byte> _buffer;
    private bool _holdingBuffer;
    private bool _inputCompleted;
    private SequencePosition _nextSegment;
    private SequencePosition _segmentPosition;
    private byte[] _seg = [];
    private int _segStart;
    private int _pos;
    private int _end;
    private long _segFileOffset;
    private byte[]? _copyBuffer;
    private bool _crcEnabled;
    private ulong _crc;
    private int _crcPos;
    private CancellationToken _cancellationToken;

    /// <summary>Exact number of bytes consumed from the input so far.</summary>
    public long BytesConsumed => _segFileOffset + (_pos - _segStart);

    private int Available => _end - _pos;

    private void FlushCrc()
    {
        if (_crcEnabled && _pos > _crcPos)
        {
            _crc = Crc64.Update(_crc, _seg.AsSpan(_crcPos, _pos - _crcPos));
        }

        _crcPos = _pos;
    }

    /// <summary>Moves to the next non-empty segment of the held buffer (the current one must be used up).</summary>
    private bool TryNextSegment()
    {
        FlushCrc();
        _segFileOffset += _end - _segStart;
        _seg = [];
        _segStart = _pos = _end = _crcPos = 0;
        var position = _nextSegment;
        while (_buffer.TryGet(ref _nextSegment, out var memory))
        {
            if (!memory.IsEmpty)
            {
                SetSegment(memory, position);
                return true;
            }

            position = _nextSegment;
        }

        return false;
    }

    private void SetSegment(ReadOnlyMemory<byte> memory, SequencePosition position)
    {
        if (MemoryMarshal.TryGetArray(memory, out var array) && array.Array is not null)
        {
            _seg = array.Array;
            _segStart = array.Offset;
            _end = array.Offset + array.Count;
        }
        else
        {
            if (_copyBuffer is null || _copyBuffer.Length < memory.Length)
            {
                _copyBuffer = new byte[Math.Max(memory.Length, 4096)];
            }

            memory.Span.CopyTo(_copyBuffer);
            _seg = _copyBuffer;
            _segStart = 0;
            _end = memory.Length;
        }

        _pos = _crcPos = _segStart;
        _segmentPosition = position;
    }

    /// <summary>Makes at least one byte available (current segment used up); throws at the end of input.</summary>
    private async ValueTask FillAsync(long needed, string what)
    {
        if (TryNextSegment())
        {
            return;
        }

        while (true)
        {
            if (_holdingBuffer)
            {
                _input.AdvanceTo(_buffer.End);
                _holdingBuffer = false;
            }

            if (_inputCompleted)
            {
                throw Truncated(needed, what);
            }

            var result = await _input.ReadAsync(_cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The RDB input read was canceled.");
            }

            _buffer = result.Buffer;
            _holdingBuffer = true;
            _inputCompleted = result.IsCompleted;
            _nextSegment = _buffer.Start;
            if (TryNextSegment())
            {
                return;
            }
        }
    }

    /// <summary>Hands the unread rest of the held buffer back to the input (exactly what was consumed is consumed).</summary>
    private void ReleaseInput()
    {
        if (_holdingBuffer)
        {
            FlushCrc();
            var consumed = _seg.Length == 0 ? _buffer.End : _buffer.GetPosition(_pos - _segStart, _segmentPosition);
            _input.AdvanceTo(consumed, consumed);
            _holdingBuffer = false;
            _buffer = default;
            _seg = [];
            _segFileOffset = BytesConsumed;
            _segStart = _pos = _end = _crcPos = 0;
        }
    }

    private RdbFormatException Truncated(long needed, string what) =>
        new($"unexpected end of input, expected {needed} more byte{(needed == 1 ? string.Empty : "s")} for {what}", BytesConsumed, Version);

    [DoesNotReturn]
    private void Fail(string problem, long offset) => throw new RdbFormatException(problem, offset, Version);

    private ValueTask<byte> ReadByteAsync(string what)
    {
        if (_pos < _end)
        {
            return new ValueTask<byte>(_seg[_pos++]);
        }

        return Slow(what);

        async ValueTask<byte> Slow(string w)
        {
            await FillAsync(1, w).ConfigureAwait(false);
            return _seg[_pos++];
        }
    }

    /// <summary>Copies <paramref name="count"/> bytes into the scratch buffer, across segments and reads.</summary>
    private async ValueTask ReadIntoScratchAsync(int count, string what)
    {
        var done = 0;
        while (done < count)
        {
            if (_pos == _end)
            {
                await FillAsync(count - done, what).ConfigureAwait(false);
            }

            var take = Math.Min(count - done, _end - _pos);
            Buffer.BlockCopy(_seg, _pos, _scratch, done, take);
            _pos += take;
            done += take;
        }
    }

    private ValueTask<long> ReadInt64Async(string what)
    {
        if (Available >= 8)
        {
            var v = BinaryPrimitives.ReadInt64LittleEndian(_seg.AsSpan(_pos, 8));
            _pos += 8;
            return new ValueTask<long>(v);
        }

        return Slow(what);

        async ValueTask<long> Slow(string w)
        {
            await ReadIntoScratchAsync(8, w).ConfigureAwait(false);
            return BinaryPrimitives.ReadInt64LittleEndian(_scratch);
        }
    }

    private ValueTask<int> ReadInt32Async(string what)
    {
        if (Available >= 4)
        {
            var v = BinaryPrimitives.ReadInt32LittleEndian(_seg.AsSpan(_pos, 4));
            _pos += 4;
            return new ValueTask<int>(v);
        }

        return Slow(what);

        async ValueTask<int> Slow(string w)
        {
            await ReadIntoScratchAsync(4, w).ConfigureAwait(false);
            return BinaryPrimitives.ReadInt32LittleEndian(_scratch);
        }
    }

    /// <summary>A raw 16-byte stream id: ms and seq as big-endian uint64 (a rax key).</summary>
    private async ValueTask<RdbStreamId> ReadRawStreamIdAsync(string what)
    {
        await ReadIntoScratchAsync(16, what).ConfigureAwait(false);
        return new RdbStreamId(BinaryPrimitives.ReadUInt64BigEndian(_scratch), BinaryPrimitives.ReadUInt64BigEndian(_scratch.AsSpan(8)));
    }

    /// <summary>Consumes <paramref name="count"/> bytes without keeping them.</summary>
    private async ValueTask SkipAsync(long count, string what)
    {
        while (count > 0)
        {
            if (_pos == _end)
            {
                await FillAsync(count, what).ConfigureAwait(false);
            }

            var take = (int)Math.Min(count, _end - _pos);
            _pos += take;
            count -= take;
        }
    }

    /// <summary>Copies exactly <paramref name="count"/> bytes into <paramref name="destination"/>.</summary>
    private ValueTask CopyToAsync(byte[] destination, int offset, int count, string what)
    {
        if (Available >= count)
        {
            Buffer.BlockCopy(_seg, _pos, destination, offset, count);
            _pos += count;
            return ValueTask.CompletedTask;
        }

        return Slow(destination, offset, count, what);

        async ValueTask Slow(byte[] dest, int off, int n, string w)
        {
            while (n > 0)
            {
                if (_pos == _end)
                {
                    await FillAsync(n, w).ConfigureAwait(false);
                }

                var take = Math.Min(n, _end - _pos);
                Buffer.BlockCopy(_seg, _pos, dest, off, take);
                _pos += take;
                off += take;
                n -= take;
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="length"/> raw bytes as a block: a view of the input when they are all in the current
    /// segment (valid until more input is read), else a pooled buffer grown only as bytes actually arrive.
    /// </summary>
    private ValueTask<ByteBlock> ReadBlockAsync(long length, string what)
    {
        if (Available >= length)
        {
            var block = new ByteBlock(_seg, _pos, (int)length, pooled: false);
            _pos += (int)length;
            return new ValueTask<ByteBlock>(block);
        }

        return ReadBlockSlowAsync(length, what);
    }

    private async ValueTask<ByteBlock> ReadBlockSlowAsync(long length, string what)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, Math.Max(InitialGrowableBytes, Available)));
        var filled = 0;
        try
        {
            while (filled < length)
            {
                if (_pos == _end)
                {
                    await FillAsync(length - filled, what).ConfigureAwait(false);
                }

                if (filled == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(length, Math.Min((long)buffer.Length * 2, Array.MaxLength)));
                    Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var take = (int)Math.Min(Math.Min(length - filled, _end - _pos), buffer.Length - filled);
                Buffer.BlockCopy(_seg, _pos, buffer, filled, take);
                _pos += take;
                filled += take;
            }

            return new ByteBlock(buffer, 0, filled, pooled: true);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
