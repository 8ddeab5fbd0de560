using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Host.Output;

/// <summary>
/// A last-in-first-out store of sorted set members in a temporary file (deleted when disposed): Redis 5+ writes a
/// skiplist sorted set highest score first, so reading it back from the top gives rank order with nothing held
/// in memory. Each record is the member, its score (8 bytes) and the member's length (4 bytes), so that the
/// file can be walked backwards.
/// </summary>
public sealed class ScoredMemberStack : IDisposable
{
    private const int TrailerSize = 12;
    private const int BlockSize = 1 << 20;
    private readonly string? _directory;
    private FileStream? _file;

    public ScoredMemberStack(string? directory = null) => _directory = directory;

    public long Count { get; private set; }

    public void Push(RdbScoredMember member)
    {
        _file ??= new FileStream(
            Path.Combine(_directory ?? Path.GetTempPath(), "vdr-cdc-zset-" + Guid.NewGuid().ToString("N") + ".tmp"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        Span<byte> trailer = stackalloc byte[TrailerSize];
        BinaryPrimitives.WriteDoubleLittleEndian(trailer, member.Score);
        BinaryPrimitives.WriteInt32LittleEndian(trailer[8..], member.Member.Length);
        _file.Write(member.Member);
        _file.Write(trailer);
        Count++;
    }

    /// <summary>Hands every member to <paramref name="consume"/>, last pushed first, then empties the stack.</summary>
    public void PopAll(Action<RdbScoredMember> consume)
    {
        ArgumentNullException.ThrowIfNull(consume);
        if (_file is null)
        {
            return;
        }

        _file.Flush();
        var handle = _file.SafeFileHandle;
        var window = new byte[BlockSize];
        long windowStart = 0, windowEnd = 0;
        var end = _file.Length;
        while (end > 0)
        {
            if (end - TrailerSize < windowStart || end > windowEnd)
            {
                windowStart = Math.Max(0, end - BlockSize);
                windowEnd = end;
                ReadExactly(handle, window.AsSpan(0, (int)(windowEnd - windowStart)), windowStart);
            }

            var trailer = window.AsSpan((int)(end - TrailerSize - windowStart), TrailerSize);
            var score = BinaryPrimitives.ReadDoubleLittleEndian(trailer);
            var length = BinaryPrimitives.ReadInt32LittleEndian(trailer[8..]);
            var start = end - TrailerSize - length;
            var member = new byte[length];
            if (start >= windowStart)
            {
                window.AsSpan((int)(start - windowStart), length).CopyTo(member);
            }
            else
            {
                ReadExactly(handle, member, start);
            }

            consume(new RdbScoredMember(member, score));
            end = start;
        }

        Clear();
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(handle, destination, offset);
            if (read == 0)
            {
                throw new IOException("The sorted set spill file is shorter than what was written to it.");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    public void Clear()
    {
        _file?.Dispose();
        _file = null;
        Count = 0;
    }

    public void Dispose() => Clear();
}
