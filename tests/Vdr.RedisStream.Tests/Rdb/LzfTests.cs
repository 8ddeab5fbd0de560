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

    [Fact]
    public void Decompress_RandomRunsAndOverlappingReferences_RoundTripsUpToTheLastByte()
    {
        // Back-references at every distance from 1 (a byte run) past the 32-byte block size, overlapping their own
        // output or not, and outputs ending right after a reference or a literal run: the fast block copies must
        // never show in the result.
        var random = new Random(11);
        for (var iteration = 0; iteration < 400; iteration++)
        {
            var data = new List<byte>();
            var target = random.Next(0, 3000);
            while (data.Count < target)
            {
                if (data.Count > 0 && random.Next(2) == 0)
                {
                    var distance = random.Next(1, Math.Min(data.Count, 300) + 1);
                    var length = random.Next(3, 400);
                    for (var k = 0; k < length; k++)
                    {
                        data.Add(data[^distance]);
                    }
                }
                else
                {
                    for (var k = random.Next(1, 70); k > 0; k--)
                    {
                        data.Add((byte)random.Next(256));
                    }
                }
            }

            byte[] original = [.. data];
            var compressed = LzfCompressor.Compress(original);
            var output = new byte[original.Length];
            Assert.Null(Lzf.Decompress(compressed, output));
            Assert.Equal(original, output);
        }
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
