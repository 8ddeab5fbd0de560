namespace Vdr.RedisStream.Resp;

/// <summary>
/// One complete command frame of the replication stream: its arguments (name first, as sent) and the exact
/// stream offsets of its first byte and of the byte right after it.
/// </summary>
public readonly record struct RespCommand(byte[][] Args, long StartOffset, long EndOffset)
{
    /// <summary>Exact number of bytes of the frame on the wire.</summary>
    public long Length => EndOffset - StartOffset;

    /// <summary>True when the command name equals <paramref name="upperCaseName"/> ignoring ASCII case.</summary>
    public bool Is(ReadOnlySpan<byte> upperCaseName) => Args.Length > 0 && RespAscii.EqualsIgnoreCase(Args[0], upperCaseName);
}
