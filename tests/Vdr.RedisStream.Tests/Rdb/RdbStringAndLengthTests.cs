using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;
using static Vdr.RedisStream.Tests.Rdb.Support.RdbBuilder;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbStringAndLengthTests
{
    [Fact]
    public async Task Read_StringEncodings_DecodedExactly()
    {
        var lzfText = string.Concat(Enumerable.Repeat("abcdefgh", 40)) + "tail";
        var data = Fixtures.Keys(b => b
            .Key(0, "raw").Str("hello world")
            .Key(0, "empty").Str(string.Empty)
            .Key(0, "i8min").IntStr(1, -128)
            .Key(0, "i8max").IntStr(1, 127)
            .Key(0, "i16min").IntStr(2, short.MinValue)
            .Key(0, "i16max").IntStr(2, short.MaxValue)
            .Key(0, "i32min").IntStr(4, int.MinValue)
            .Key(0, "i32max").IntStr(4, int.MaxValue)
            .Key(0, "lzf").LzfStr(B(lzfText))
            .Byte(0).IntStr(2, 4242).Str("int-key"));
        await Fixtures.AssertKeysAsync(
            data,
            "db0 raw String/String = hello world",
            "db0 empty String/String = ",
            "db0 i8min String/String = -128",
            "db0 i8max String/String = 127",
            "db0 i16min String/String = -32768",
            "db0 i16max String/String = 32767",
            "db0 i32min String/String = -2147483648",
            "db0 i32max String/String = 2147483647",
            $"db0 lzf String/String = {RdbRender.T(B(lzfText))}",
            "db0 4242 String/String = int-key");
    }

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(16383)]
    [InlineData(16384)]
    public async Task Read_StringAroundLengthFormBoundary_DecodedExactly(int length)
    {
        var value = new string((char)('a' + (length % 26)), length);
        var data = Fixtures.Keys(b => b.Key(0, "k").Str(value));
        var expectedHeader = length < 64 ? 1 : length < 16384 ? 2 : 5;
        Assert.Equal(9 + 2 + 1 + 2 + expectedHeader + length + 9, data.Length);
        var lines = await Fixtures.KeyLinesAsync(data, maxSplits: 200);
        Assert.Equal([$"db0 k String/String = {RdbRender.T(B(value))}"], lines);
    }

    [Fact]
    public async Task Read_NonMinimalLengthForms_Accepted()
    {
        var data = Fixtures.Keys(b => b
            .Byte(0).Len32(1).Raw(B("k")).Len32(3).Raw(B("abc"))
            .Byte(0).Len64(2).Raw(B("k2")).Len64(0));
        await Fixtures.AssertKeysAsync(data, "db0 k String/String = abc", "db0 k2 String/String = ");
    }

    [Theory]
    [InlineData(63UL)]
    [InlineData(64UL)]
    [InlineData(16383UL)]
    [InlineData(16384UL)]
    [InlineData(4294967295UL)]
    [InlineData(4294967296UL)]
    [InlineData(ulong.MaxValue)]
    public async Task Read_LengthsOnBothSidesOfEachForm_DecodedExactly(ulong value)
    {
        var data = Fixtures.File(9, b => b.SelectDb(0).ResizeDb(value, value - 1));
        var lines = await SplitHarness.AssertSameEverywhereAsync(data);
        Assert.Contains($"resizedb {value} {value - 1}", lines);
    }

    [Fact]
    public async Task Read_StringBiggerThanChunk_DeliveredInParts()
    {
        var value = new byte[10_000];
        new Random(3).NextBytes(value);
        var data = Fixtures.Keys(b => b.Key(0, "big").Str(value).Key(0, "bigLzf").LzfStr(new byte[5000]));
        var options = new RdbReaderOptions { MaxChunkBytes = 1024 };
        await using var reader = new RdbReader(SegmentedPipeReader.OneBytePerRead(data), options);
        var parts = new List<RdbStringChunk>();
        while (await reader.ReadAsync())
        {
            if (reader.Current is RdbStringChunk c)
            {
                parts.Add(c);
            }
        }

        Assert.Equal(10 + 5, parts.Count);
        Assert.Equal(value, parts.Take(10).SelectMany(p => p.Bytes).ToArray());
        Assert.All(parts.Take(10), (p, i) => Assert.Equal(i * 1024L, p.Offset));
        Assert.Equal([false, false, false, false, false, false, false, false, false, true], parts.Take(10).Select(p => p.IsLast));
        Assert.Equal(new byte[5000], parts.Skip(10).SelectMany(p => p.Bytes).ToArray());
        Assert.True(parts[^1].IsLast);
        Assert.Equal(4, parts[^1].Index);
    }

    [Fact]
    public async Task Read_HugeStringClaim_FailsAtEndOfInputWithoutAllocating()
    {
        // A 4 GiB string that is not there: the reader must fail at EOF, not allocate 4 GiB.
        var data = new RdbBuilder().Header(12).SelectDb(0).Byte(0).Str("k").Len64(4UL << 30).Raw(B("only a few bytes")).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("unexpected end of input", ex.Message, StringComparison.Ordinal);
        Assert.Contains("string value", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "allocated too much for a claimed length");
    }

    [Fact]
    public async Task Read_HugeKeyClaim_FailsAtEndOfInput()
    {
        var data = new RdbBuilder().Header(12).SelectDb(0).Byte(0).Len32(1u << 29).Raw(B("short")).ToArray();
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("unexpected end of input", ex.Message, StringComparison.Ordinal);

        // Beyond the cap for values held whole (keys are), the claim alone is rejected.
        data = new RdbBuilder().Header(12).SelectDb(0).Byte(0).Len32(uint.MaxValue).Raw(B("short")).ToArray();
        ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("MaxBlobBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_StringBeyondBlobCap_FailsWithLimit()
    {
        var data = Fixtures.Keys(b => b.Byte(1).Str("l").Len(1).Len32(2_000_000).Raw(new byte[10]));
        var ex = await Assert.ThrowsAsync<RdbFormatException>(() => RdbRender.ReadLinesAsync(data, new RdbReaderOptions { MaxBlobBytes = 1_000_000 }));
        Assert.Contains("MaxBlobBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_BadLzf_FailsWithOffset()
    {
        var data = Fixtures.Keys(b => b.Key(0, "k").Byte(0xC3).Len(4).Len(10).Raw(0x00, (byte)'a', 0x20, 0x07));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("bad LZF data", ex.Message, StringComparison.Ordinal);
        Assert.Equal(9 + 2 + 1 + 2, ex.Offset);
    }

    [Fact]
    public async Task Read_ImpossibleLzfRatio_Fails()
    {
        var data = Fixtures.Keys(b => b.Key(0, "k").Byte(0xC3).Len(2).Len32(1_000_000).Raw(0, 0));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("impossible for LZF", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_UnknownStringEncoding_Fails()
    {
        var data = Fixtures.Keys(b => b.Key(0, "k").Byte(0xC4));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("unknown string encoding 0xC4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_InvalidLengthPrefix_Fails()
    {
        var data = Fixtures.Keys(b => b.Byte(1).Str("l").Byte(0x82));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("invalid length prefix 0x82", ex.Message, StringComparison.Ordinal);
    }
}
