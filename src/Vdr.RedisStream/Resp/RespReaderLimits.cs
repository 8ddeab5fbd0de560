namespace Vdr.RedisStream.Resp;

/// <summary>Caps applied to lengths read off the wire before any memory is committed to them.</summary>
public sealed class RespReaderLimits
{
    /// <summary>Largest argument count accepted in one command (Redis itself accepts up to int.MaxValue).</summary>
    public int MaxArguments { get; init; } = 64 * 1024 * 1024;

    /// <summary>Largest single argument (Redis' proto-max-bulk-len defaults to 512 MB).</summary>
    public long MaxBulkBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Longest inline command line (Redis' PROTO_INLINE_MAX_SIZE is 64 KB).</summary>
    public int MaxInlineBytes { get; init; } = 64 * 1024;

    public static RespReaderLimits Default { get; } = new();
}
