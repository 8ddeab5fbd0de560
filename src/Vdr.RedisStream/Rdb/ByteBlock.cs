using System.Buffers;

namespace Vdr.RedisStream.Rdb;

/// <summary>A run of bytes read from the RDB: a view of the input or a pooled copy (returned by <see cref="Release"/>).</summary>
internal readonly struct ByteBlock(byte[] array, int offset, int length, bool pooled)
{
    public byte[] Array { get; } = array;

    public int Offset { get; } = offset;

    public int Length { get; } = length;

    public bool Pooled { get; } = pooled;

    public ReadOnlySpan<byte> Span => new(Array, Offset, Length);

    public void Release()
    {
        if (Pooled)
        {
            ArrayPool<byte>.Shared.Return(Array);
        }
    }
}
