using System.Diagnostics;

namespace Vdr.Cdc.Host.Demo;

/// <summary>
/// A write-only pass-through over stdout that counts the lines (events) written and when the last one was: the
/// demo waits for the output to go quiet before it stops, so the last events are shown.
/// </summary>
internal sealed class ActivityStream(Stream inner) : Stream
{
    private long _lines;
    private long _lastWrite = Stopwatch.GetTimestamp();

    /// <summary>Newlines written so far (one per event).</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Time since the last write.</summary>
    public TimeSpan Quiet => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastWrite));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Interlocked.Add(ref _lines, buffer.Count((byte)'\n'));
        Interlocked.Exchange(ref _lastWrite, Stopwatch.GetTimestamp());
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
