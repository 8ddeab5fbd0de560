using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;

namespace Vdr.RedisStream.Tests.Rdb;

/// <summary>Inputs the mutation fuzzer found problems with, kept so they stay fixed.</summary>
public class RdbFuzzRegressionTests
{
    [Fact]
    public async Task Read_StringDoubleLongerThan64Bytes_ParsedNotArgumentException()
    {
        // Found by the fuzzer: a string-form score of up to 252 bytes overflowed a 64-byte scratch buffer.
        var longScore = new string('0', 200) + "1.5";
        var data = Fixtures.Keys(b => b.Key(3, "z").Len(1).Str("m").Byte(longScore.Length).Raw(RdbBuilder.B(longScore)));
        await Fixtures.AssertKeysAsync(data, "db0 z SortedSet/ZSet = [m:1.5]");
    }

    [Fact]
    public async Task Read_StringDoubleLongGarbage_RdbFormatException()
    {
        var data = Fixtures.Keys(b => b.Key(3, "z").Len(1).Str("m").Byte(252).Raw(new byte[252]));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("is not a number", ex.Message, StringComparison.Ordinal);
    }
}
