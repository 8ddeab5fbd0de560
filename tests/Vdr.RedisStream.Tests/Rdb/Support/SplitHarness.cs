using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>Parses an input whole, split at every byte, and one byte per read; all must give the same result.</summary>
public static class SplitHarness
{
    public static async Task<List<string>> AssertSameEverywhereAsync(byte[] data, RdbReaderOptions? options = null, int maxSplits = int.MaxValue)
    {
        var whole = new SegmentedPipeReader(data, [data.Length]);
        var expected = await RdbRender.ReadLinesAsync(whole, options);
        Assert.Equal(data.Length, whole.Consumed);

        var step = Math.Max(1, data.Length / Math.Max(1, Math.Min(maxSplits, data.Length)));
        for (var split = 1; split < data.Length; split += step)
        {
            var reader = SegmentedPipeReader.SplitAt(data, split);
            var lines = await RdbRender.ReadLinesAsync(reader, options);
            Assert.True(expected.SequenceEqual(lines), $"split at {split} gave a different result:\n{string.Join('\n', lines)}");
            Assert.Equal(data.Length, reader.Consumed);
        }

        var bytewise = SegmentedPipeReader.OneBytePerRead(data);
        var oneByOne = await RdbRender.ReadLinesAsync(bytewise, options);
        Assert.True(expected.SequenceEqual(oneByOne), "one byte per read gave a different result");
        Assert.Equal(data.Length, bytewise.Consumed);
        return expected;
    }

    /// <summary>Parses an input that must fail, whole and one byte per read, and returns the exception of the whole parse.</summary>
    public static async Task<RdbFormatException> AssertFailsEverywhereAsync(byte[] data, RdbReaderOptions? options = null)
    {
        var ex = await Assert.ThrowsAsync<RdbFormatException>(() => RdbRender.ReadLinesAsync(data, options));
        var ex2 = await Assert.ThrowsAsync<RdbFormatException>(() => RdbRender.ReadLinesAsync(SegmentedPipeReader.OneBytePerRead(data), options));
        Assert.Equal(ex.Offset, ex2.Offset);
        return ex;
    }
}
