using System.Diagnostics.CodeAnalysis;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>Where a nested blob (ziplist, listpack, intset, zipmap) sits in the file, for error messages.</summary>
internal readonly struct BlobContext(string what, long fileOffset, int rdbVersion, bool compressed)
{
    public string What { get; } = what;

    public long FileOffset { get; } = fileOffset;

    public int RdbVersion { get; } = rdbVersion;

    public bool Compressed { get; } = compressed;

    [DoesNotReturn]
    public void Fail(string problem, int position)
    {
        var where = Compressed
            ? $" (byte {position} of the decompressed {What})"
            : $" (byte {position} of the {What})";
        throw new RdbFormatException($"corrupt {What}: {problem}{where}", Compressed ? FileOffset : FileOffset + position, RdbVersion);
    }
}
