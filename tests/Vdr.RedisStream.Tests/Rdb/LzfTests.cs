using Vdr.RedisStream.Rdb.Encodings;
using Vdr.RedisStream.Tests.Rdb.Support;

namespace Vdr.RedisStream.Tests.Rdb;

public class LzfTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("abcabcabcabcabcabcabcabcxyzxyzxyz0123456789012345678901234567890123456789")]
    public void Decompress_OwnCompressorOutput_RoundTrips(string text)
    {
        var data = RdbBuilder.B(text);
        var compressed = LzfCompressor.Compress(data);
        var output = new byte[data.Length];
        Assert.Null(Lzf.Decompress(compressed, output));
        Assert.Equal(data, output);
    }

    [Fact]
    public void Decompress_LongRunsAndBigData_RoundTrips()
    {
        var random = new Random(7);
        var data = new byte[100_000];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i % 1000 < 500 ? 'x' : random.Next(4));
        }

        var compressed = LzfCompressor.Compress(data);
        var output = new byte[data.Length];
        Assert.Null(Lzf.Decompress(compressed, output));
        Assert.Equal(data, output);
    }

    [Theory]
    [InlineData(new byte[] { 5, (byte)'a' }, 6, "literal run")]
    [InlineData(new byte[] { 0, (byte)'a', 0x20, 5 }, 10, "points 6 bytes back")]
    [InlineData(new byte[] { 0, (byte)'a', 0x20 }, 4, "cut off")]
    [InlineData(new byte[] { 0, (byte)'a', 0x20, 0 }, 3, "overflows")]
    [InlineData(new byte[] { 0, (byte)'a' }, 2, "decompressed to 1 bytes, expected 2")]
    public void Decompress_Corrupt_ReportsProblem(byte[] input, int outputLength, string expected)
    {
        var error = Lzf.Decompress(input, new byte[outputLength]);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
