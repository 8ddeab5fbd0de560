using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>Shortcuts for building whole RDB files and checking what the reader makes of them.</summary>
public static class Fixtures
{
    public static byte[] File(int version, Action<RdbBuilder> body, string magic = "REDIS")
    {
        var b = new RdbBuilder().Header(version, magic);
        body(b);
        return b.End().ToArray();
    }

    /// <summary>Database 0 with the given keys, in a version-12 file.</summary>
    public static byte[] Keys(Action<RdbBuilder> keys, int version = 12) => File(version, b =>
    {
        b.SelectDb(0);
        keys(b);
    });

    /// <summary>Parses whole, at every split and one byte per read; returns the key lines ("db0 key Type/Encoding = value").</summary>
    public static async Task<List<string>> KeyLinesAsync(byte[] data, RdbReaderOptions? options = null, int maxSplits = 4000)
    {
        var lines = await SplitHarness.AssertSameEverywhereAsync(data, options, maxSplits);
        return lines.Where(l => l.StartsWith("db", StringComparison.Ordinal)).ToList();
    }

    public static async Task AssertKeysAsync(byte[] data, params string[] expected)
    {
        var lines = await KeyLinesAsync(data);
        Assert.Equal(expected, lines);

        // Tiny chunks must not change the content.
        var small = await RdbRender.ReadLinesAsync(data, new RdbReaderOptions { MaxChunkElements = 2, MaxChunkBytes = 3 });
        Assert.Equal(expected, small.Where(l => l.StartsWith("db", StringComparison.Ordinal)));
    }
}
