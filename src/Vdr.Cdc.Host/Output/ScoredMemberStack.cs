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
    private readonly string? _directory;
    private FileStream? _file;

    public ScoredMemberStack(string? directory = null) => _directory = directory;

    public long Count { get; private set; }

    public void Push(RdbScoredMember member)
    {
        _file ??= new FileStream(
            Path.Combine(_directory ?? Path.GetTempPath(), "vdr-cdc-zset-" + Guid.NewGuid().ToString("N") + ".tmp"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        Span<byte> trailer = stackalloc byte[12];
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
        SafeFileHandle handle = _file.SafeFileHandle;
        var end = _file.Length;
        Span<byte> trailer = stackalloc byte[12];
        while (end > 0)
        {
            RandomAccess.Read(handle, trailer, end - 12);
            var score = BinaryPrimitives.ReadDoubleLittleEndian(trailer);
            var length = BinaryPrimitives.ReadInt32LittleEndian(trailer[8..]);
            var start = end - 12 - length;
            var member = new byte[length];
            if (length > 0 && RandomAccess.Read(handle, member, start) != length)
            {
                throw new IOException("The sorted set spill file is shorter than what was written to it.");
            }

            consume(new RdbScoredMember(member, score));
            end = start;
        }

        Clear();
    }

    public void Clear()
    {
        _file?.Dispose();
        _file = null;
        Count = 0;
    }

    public void Dispose() => Clear();
}
