namespace Vdr.RedisStream.Rdb;

/// <summary>Limits and switches of <see cref="RdbReader"/>.</summary>
public sealed class RdbReaderOptions
{
    /// <summary>At most this many elements in one collection chunk.</summary>
    public int MaxChunkElements { get; set; } = 4096;

    /// <summary>At most about this many bytes in one chunk; strings longer than this arrive in parts of this size.</summary>
    public int MaxChunkBytes { get; set; } = 1 << 20;

    /// <summary>Cap for a single ziplist, listpack, intset or LZF blob, which has to be held whole to be decoded.</summary>
    public long MaxBlobBytes { get; set; } = 1L << 30;

    /// <summary>Check the CRC64 trailer (a zero trailer means the writer disabled checksums and is accepted).</summary>
    public bool VerifyChecksum { get; set; } = true;
}
