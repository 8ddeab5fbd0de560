using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;
using static Vdr.RedisStream.Tests.Rdb.Support.CompactBuilders;
using static Vdr.RedisStream.Tests.Rdb.Support.RdbBuilder;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbCompactEncodingTests
{
    /// <summary>Integers on both sides of every ziplist/listpack integer width.</summary>
    private static readonly long[] BoundaryInts =
    [
        0, 12, 13, -1, 127, 128, -128, -129, 4095, 4096, -4096, -4097, 32767, 32768, -32768, -32769,
        8388607, 8388608, -8388608, -8388609, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, (long)int.MinValue - 1,
        long.MaxValue, long.MinValue,
    ];

    /// <summary>String lengths on both sides of every ziplist/listpack string width and backlen size.</summary>
    private static readonly int[] BoundaryLengths = [0, 1, 63, 64, 125, 126, 127, 4095, 4096, 16380, 16383, 16384];

    private static List<Element> BoundaryElements() =>
    [
        .. BoundaryInts.Select(Element.I),
        .. BoundaryLengths.Select(n => Element.S(new string((char)('a' + (n % 26)), n))),
        Element.S("-12x"),
    ];

    private static string Render(IEnumerable<Element> elements) => string.Join(",", elements.Select(e => e.Int?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? RdbRender.T(e.Str!)));

    [Fact]
    public async Task Read_ZiplistListWithEveryEntryEncoding_DecodedExactly()
    {
        var elements = BoundaryElements();
        var data = Fixtures.Keys(b => b.Key(10, "zl").Str(Ziplist(elements)), version: 6);
        await Fixtures.AssertKeysAsync(data, $"db0 zl List/ListZiplist = [{Render(elements)}]");
    }

    [Theory]
    [InlineData(250)]
    [InlineData(251)]
    [InlineData(252)]
    public async Task Read_ZiplistPrevlenAround254_DecodedExactly(int firstLength)
    {
        // Entry = prevlen(1) + 14-bit header(2) + data: 250 → 253 bytes (1-byte prevlen next), 251 → 254 (5-byte prevlen next).
        var elements = new List<Element> { Element.S(new string('x', firstLength)), "next", "after" };
        var zl = Ziplist(elements);
        Assert.Equal(firstLength >= 251 ? 0xFE : firstLength + 3, zl[10 + firstLength + 3]);
        var data = Fixtures.Keys(b => b.Key(10, "zl").Str(zl), version: 6);
        await Fixtures.AssertKeysAsync(data, $"db0 zl List/ListZiplist = [{Render(elements)}]");
    }

    [Fact]
    public async Task Read_ZiplistUnknownCount_Counted()
    {
        var data = Fixtures.Keys(b => b.Key(10, "zl").Str(Ziplist(["a", 1, "b"], unknownCount: true)), version: 6);
        await Fixtures.AssertKeysAsync(data, "db0 zl List/ListZiplist = [a,1,b]");
    }

    [Fact]
    public async Task Read_ZiplistZSetAndHash_DecodedExactly()
    {
        var data = Fixtures.Keys(
            b => b
                .Key(12, "z").Str(Ziplist(["a", 1, "b", "2.5", "c", "-inf", "d", "inf", "e", "1e10"]))
                .Key(13, "h").Str(Ziplist(["f1", "v1", "f2", 7, 300, "x"])),
            version: 9);
        await Fixtures.AssertKeysAsync(
            data,
            "db0 z SortedSet/ZSetZiplist = [a:1,b:2.5,c:-Infinity,d:Infinity,e:10000000000]",
            "db0 h Hash/HashZiplist = [f1=v1,f2=7,300=x]");
    }

    [Fact]
    public async Task Read_ListpackSetWithEveryEntryEncoding_DecodedExactly()
    {
        var elements = BoundaryElements();
        var data = Fixtures.Keys(b => b.Key(20, "lp").Str(Listpack(elements)), version: 11);
        await Fixtures.AssertKeysAsync(data, $"db0 lp Set/SetListpack = [{Render(elements)}]");
    }

    [Fact]
    public async Task Read_ListpackBacklenSizes_DecodedExactly()
    {
        // Entry lengths 127/128 (backlen 1→2 bytes) and 16382/16383 (2→3 bytes).
        var elements = new List<Element> { Element.S(new string('a', 125)), Element.S(new string('b', 126)), Element.S(new string('c', 16377)), Element.S(new string('d', 16378)), "end" };
        var lp = Listpack(elements, unknownCount: true);
        var data = Fixtures.Keys(b => b.Key(20, "lp").Str(lp), version: 11);
        await Fixtures.AssertKeysAsync(data, $"db0 lp Set/SetListpack = [{Render(elements)}]");
    }

    [Fact]
    public async Task Read_ListpackHashAndZSet_DecodedExactly()
    {
        var data = Fixtures.Keys(
            b => b
                .Key(16, "h").Str(Listpack(["f1", "v1", "n", -5]))
                .Key(17, "z").Str(Listpack(["a", 1, "b", "0.5", "c", "-3.25", "d", "inf", "e", -4097])),
            version: 10);
        await Fixtures.AssertKeysAsync(
            data,
            "db0 h Hash/HashListpack = [f1=v1,n=-5]",
            "db0 z SortedSet/ZSetListpack = [a:1,b:0.5,c:-3.25,d:Infinity,e:-4097]");
    }

    [Theory]
    [InlineData(2, new long[] { short.MinValue, -1, 0, short.MaxValue })]
    [InlineData(4, new long[] { int.MinValue, short.MinValue - 1, short.MaxValue + 1, int.MaxValue })]
    [InlineData(8, new long[] { long.MinValue, (long)int.MinValue - 1, (long)int.MaxValue + 1, long.MaxValue })]
    public async Task Read_IntsetOfEachWidth_DecodedExactly(int width, long[] values)
    {
        var data = Fixtures.Keys(b => b.Key(11, "s").Str(Intset(width, values)), version: 2);
        await Fixtures.AssertKeysAsync(data, $"db0 s Set/SetIntset = [{string.Join(",", values)}]");
    }

    [Fact]
    public async Task Read_Zipmap_DecodedExactly()
    {
        var big = new string('v', 300);
        var zm = Zipmap([("a", "1", 0), ("field", "value", 3), ("big", big, 0), (string.Empty, string.Empty, 1)]);
        var data = Fixtures.Keys(b => b.Key(9, "zm").Str(zm), version: 2);
        await Fixtures.AssertKeysAsync(data, $"db0 zm Hash/HashZipmap = [a=1,field=value,big={RdbRender.T(B(big))},=]");
    }

    [Fact]
    public async Task Read_LzfCompressedBlobs_DecodedExactly()
    {
        var elements = Enumerable.Range(0, 200).Select(i => Element.S("element-" + (i % 10))).ToList();
        var data = Fixtures.Keys(b => b
            .Key(20, "lp").LzfStr(Listpack(elements))
            .Key(10, "zl").LzfStr(Ziplist(elements))
            .Key(11, "is").LzfStr(Intset(2, [.. Enumerable.Range(0, 100).Select(i => (long)i)])));
        await Fixtures.AssertKeysAsync(
            data,
            $"db0 lp Set/SetListpack = [{Render(elements)}]",
            $"db0 zl List/ListZiplist = [{Render(elements)}]",
            $"db0 is Set/SetIntset = [{string.Join(",", Enumerable.Range(0, 100))}]");
    }

    [Fact]
    public async Task Read_QuicklistOfZiplists_SkipsEmptyNodes()
    {
        var data = Fixtures.Keys(
            b => b.Key(14, "ql").Len(3).Str(Ziplist(["a", 1])).Str(Ziplist([])).LzfStr(Ziplist([.. Enumerable.Repeat<Element>("zz", 30)])),
            version: 7);
        await Fixtures.AssertKeysAsync(data, $"db0 ql List/ListQuicklist = [a,1,{string.Join(",", Enumerable.Repeat("zz", 30))}]");
    }

    [Fact]
    public async Task Read_Quicklist2PackedAndPlainNodes_DecodedExactly()
    {
        var plain = new string('P', 200);
        var data = Fixtures.Keys(
            b => b.Key(18, "ql").Len(4)
                .Len(2).Str(Listpack(["a", 5]))
                .Len(1).Str(plain)
                .Len(2).LzfStr(Listpack([.. Enumerable.Repeat<Element>("yy", 40)]))
                .Len(1).IntStr(2, 1234),
            version: 10);
        await Fixtures.AssertKeysAsync(data, $"db0 ql List/ListQuicklist2 = [a,5,{RdbRender.T(B(plain))},{string.Join(",", Enumerable.Repeat("yy", 40))},1234]");
    }

    [Fact]
    public async Task Read_PlainEncodings_DecodedExactly()
    {
        var data = Fixtures.Keys(
            b => b
                .Key(1, "l").Len(3).Str("x").IntStr(1, 5).Str("z")
                .Key(2, "s").Len(2).Str("m1").Str("m2")
                .Key(3, "z1").Len(5).Str("a").StrDouble(1.5).Str("b").StrDouble(double.PositiveInfinity).Str("c").StrDouble(double.NegativeInfinity).Str("d").StrDouble(double.NaN).Str("e").StrDouble(-2e-5)
                .Key(5, "z2").Len(2).Str("hi").BinDouble(9.75).Str("lo").BinDouble(-0.5)
                .Key(4, "h").Len(2).Str("f").Str("v").Str("n").IntStr(4, 100000),
            version: 8);
        await Fixtures.AssertKeysAsync(
            data,
            "db0 l List/List = [x,5,z]",
            "db0 s Set/Set = [m1,m2]",
            "db0 z1 SortedSet/ZSet = [a:1.5,b:Infinity,c:-Infinity,d:NaN,e:-2E-05]",
            "db0 z2 SortedSet/ZSet2 = [hi:9.75,lo:-0.5]",
            "db0 h Hash/Hash = [f=v,n=100000]");
    }

    [Fact]
    public async Task Read_EmptyCollections_SkippedLikeRedis()
    {
        var data = Fixtures.Keys(b => b
            .Key(1, "emptyList").Len(0)
            .Key(20, "emptySet").Str(Listpack([]))
            .Key(18, "emptyQl").Len(0)
            .Key(0, "kept").Str("v"));
        await Fixtures.AssertKeysAsync(data, "db0 kept String/String = v");
    }

    [Fact]
    public async Task Read_ManyElements_ChunkedByElementsAndBytes()
    {
        var elements = Enumerable.Range(0, 1000).Select(i => Element.S("e" + i)).ToList();
        var data = Fixtures.Keys(b => b.Key(18, "ql").Len(2).Len(2).Str(Listpack(elements.Take(600))).Len(2).Str(Listpack(elements.Skip(600))));
        await using var reader = new RdbReader(new SegmentedPipeReader(data, [data.Length]), new RdbReaderOptions { MaxChunkElements = 128 });
        var chunks = new List<RdbListChunk>();
        while (await reader.ReadAsync())
        {
            if (reader.Current is RdbListChunk c)
            {
                chunks.Add(c);
            }
        }

        Assert.Equal(8, chunks.Count);
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(128, c.Items.Count));
        Assert.Equal(1000 - (7 * 128), chunks[^1].Items.Count);
        Assert.Equal(Enumerable.Range(0, 8), chunks.Select(c => c.Index));
        Assert.Equal(elements.Select(e => RdbRender.T(e.Str!)), chunks.SelectMany(c => c.Items).Select(RdbRender.T));
    }
}
