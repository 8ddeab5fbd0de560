using System.Buffers.Binary;
using Vdr.RedisStream.Tests.Rdb.Support;
using static Vdr.RedisStream.Tests.Rdb.Support.CompactBuilders;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbCorruptEncodingTests
{
    private static async Task AssertCorruptAsync(int type, byte[] blob, string expected, int version = 11)
    {
        var data = Fixtures.Keys(b => b.Key(type, "k").Str(blob), version);
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.InRange(ex.Offset, 14, data.Length);
    }

    private static byte[] With(byte[] blob, Action<byte[]> change)
    {
        var copy = (byte[])blob.Clone();
        change(copy);
        return copy;
    }

    [Fact]
    public async Task Read_CorruptListpacks_FailWithWhatWasExpected()
    {
        var lp = Listpack(["abc", 5, "defgh"]);
        await AssertCorruptAsync(20, With(lp, b => BinaryPrimitives.WriteUInt32LittleEndian(b, 99)), "corrupt listpack: header says 99 bytes but the blob has");
        await AssertCorruptAsync(20, With(lp, b => b[^1] = 0), "expected the end marker 0xFF");
        await AssertCorruptAsync(20, With(lp, b => b[6] = 0xF7), "invalid entry encoding byte 0xF7");
        await AssertCorruptAsync(20, With(lp, b => b[6] = 0x80 | 40), "goes past the end of the listpack");
        await AssertCorruptAsync(20, With(lp, b => b[10] = 9), "backlen does not encode the entry length 4");
        await AssertCorruptAsync(20, With(lp, b => b[4] = 7), "header announces 7 elements but 3 were found");
        await AssertCorruptAsync(20, [1, 2, 3], "expected at least 7 bytes");
        await AssertCorruptAsync(17, Listpack(["m", "notanumber"]), "is not a number");
        await AssertCorruptAsync(17, Listpack(["m", 1, "odd"]), "without a score");
        await AssertCorruptAsync(16, Listpack(["f", "v", "g"]), "without a value");
    }

    [Fact]
    public async Task Read_CorruptZiplists_FailWithWhatWasExpected()
    {
        var zl = Ziplist(["abc", 5, "defgh"]);
        await AssertCorruptAsync(10, With(zl, b => BinaryPrimitives.WriteUInt32LittleEndian(b, 5)), "corrupt ziplist: header says 5 bytes");
        await AssertCorruptAsync(10, With(zl, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 1000)), "tail offset 1000 is outside the ziplist");
        await AssertCorruptAsync(10, With(zl, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 10)), "tail offset is 10 but the last entry starts at");
        await AssertCorruptAsync(10, With(zl, b => b[10] = 3), "entry prevlen is 3 but the previous entry is 0 bytes long");
        await AssertCorruptAsync(10, With(zl, b => b[11] = 0xC5), "invalid entry encoding byte 0xC5");
        await AssertCorruptAsync(10, With(zl, b => b[11] = 60), "goes past the end of the ziplist");
        await AssertCorruptAsync(10, With(zl, b => b[^1] = 1), "expected the end marker 0xFF");
        await AssertCorruptAsync(10, With(zl, b => b[8] = 2), "header announces 2 elements but 3 were found");
        await AssertCorruptAsync(12, Ziplist(["m", "x1"]), "is not a number");
    }

    [Fact]
    public async Task Read_CorruptIntsets_FailWithWhatWasExpected()
    {
        await AssertCorruptAsync(11, With(Intset(2, 1, 2), b => b[0] = 3), "element width is 3, expected 2, 4 or 8");
        await AssertCorruptAsync(11, With(Intset(4, 1, 2), b => b[4] = 3), "3 elements of 4 bytes need 20 bytes, the blob has 16");
        await AssertCorruptAsync(11, Intset(2, 5, 5), "element 1 (5) is not greater than the previous one (5)");
        await AssertCorruptAsync(11, [2, 0, 0], "expected at least 8 header bytes");
    }

    [Fact]
    public async Task Read_CorruptZipmaps_FailWithWhatWasExpected()
    {
        var zm = Zipmap([("ab", "cd", 0)]);
        await AssertCorruptAsync(9, With(zm, b => b[^1] = 0), "expected the end marker 0xFF", version: 2);
        await AssertCorruptAsync(9, With(zm, b => b[1] = 200), "key of 200 bytes goes past the end of the zipmap", version: 2);
        await AssertCorruptAsync(9, With(zm, b => b[5] = 9), "value of 2 bytes plus 9 free bytes goes past the end", version: 2);
        await AssertCorruptAsync(9, With(zm, b => b[0] = 3), "header announces 3 pairs but 1 were found", version: 2);
    }

    [Fact]
    public async Task Read_CorruptQuicklistNodes_Fail()
    {
        var data = Fixtures.Keys(b => b.Key(18, "q").Len(1).Len(3).Str(Listpack(["a"])));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("quicklist node container is 3, expected 1 (plain) or 2 (packed)", ex.Message, StringComparison.Ordinal);

        data = Fixtures.Keys(b => b.Key(18, "q").Len(1).Len(2).Str(string.Empty));
        ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("quicklist node is empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CorruptCompressedBlob_OffsetPointsAtTheString()
    {
        var lp = With(Listpack([.. Enumerable.Repeat<Element>("aaaa", 20)]), b => b[^1] = 0x11);
        var data = Fixtures.Keys(b => b.Key(20, "k").LzfStr(lp));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("of the decompressed listpack", ex.Message, StringComparison.Ordinal);
        Assert.Equal(14, ex.Offset);
    }
}
