using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;
using static Vdr.RedisStream.Tests.Rdb.Support.CompactBuilders;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbVersionTests
{
    public static TheoryData<int> Versions() => [.. Enumerable.Range(1, 12)];

    /// <summary>A file with what each version could hold: plain types always, encoded types from their version on.</summary>
    private static byte[] FileFor(int version) => Fixtures.File(version, b =>
    {
        if (version >= 7)
        {
            b.Aux("redis-ver", "x");
        }

        b.SelectDb(0);
        if (version >= 7)
        {
            b.ResizeDb(3, 1);
        }

        if (version >= 3)
        {
            b.ExpireMs(1_700_000_000_000);
        }
        else
        {
            b.ExpireSec(1_700_000_000);
        }

        b.Key(0, "s").Str("v").Key(1, "l").Len(2).Str("a").Str("b").Key(2, "set").Len(1).Str("m")
            .Key(3, "z").Len(1).Str("m").StrDouble(2.5).Key(4, "h").Len(1).Str("f").Str("v");
        if (version >= 2)
        {
            b.Key(9, "zm").Str(Zipmap([("f", "v", 0)])).Key(10, "zl").Str(Ziplist(["x"])).Key(11, "is").Str(Intset(2, 1, 2)).Key(12, "zz").Str(Ziplist(["m", 1]));
        }

        if (version >= 4)
        {
            b.Key(13, "hz").Str(Ziplist(["f", "v"]));
        }

        if (version >= 7)
        {
            b.Key(14, "ql").Len(1).Str(Ziplist(["q"]));
        }

        if (version >= 8)
        {
            b.Key(5, "z2").Len(1).Str("m").BinDouble(1.25);
        }

        if (version >= 9)
        {
            b.Byte(0xF8).Len(10).Key(0, "idle").Str("i").Byte(0xF9).Byte(5).Key(0, "freq").Str("f");
        }

        if (version >= 10)
        {
            b.Key(16, "hl").Str(Listpack(["f", "v"])).Key(17, "zl2").Str(Listpack(["m", 3])).Key(18, "ql2").Len(1).Len(2).Str(Listpack(["q"]));
        }

        if (version >= 11)
        {
            b.Key(20, "sl").Str(Listpack(["m"]));
        }

        if (version >= 12)
        {
            b.Byte(0xF4).Len(1).Len(1).Len(0).Key(25, "hx").Int64(0).Str(Listpack(["f", "v", 0]));
        }
    });

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Read_EveryVersion1To12_DecodesAndChecksChecksumFrom5(int version)
    {
        var data = FileFor(version);
        var lines = await SplitHarness.AssertSameEverywhereAsync(data);
        Assert.Equal($"header REDIS {version}", lines[0]);
        Assert.Equal(version >= 5 ? "end verified" : "end unverified", lines[^1]);
        var exp = version >= 3 ? 1_700_000_000_000 : 1_700_000_000_000;
        Assert.Contains($"db0 s String/String exp={exp} = v", lines);
        Assert.Contains("db0 l List/List = [a,b]", lines);
        Assert.Contains("db0 z SortedSet/ZSet = [m:2.5]", lines);
        if (version >= 2)
        {
            Assert.Contains("db0 zm Hash/HashZipmap = [f=v]", lines);
            Assert.Contains("db0 is Set/SetIntset = [1,2]", lines);
        }

        if (version >= 9)
        {
            Assert.Contains("db0 idle String/String idle=10 = i", lines);
            Assert.Contains("db0 freq String/String freq=5 = f", lines);
        }

        if (version >= 12)
        {
            Assert.Contains("db0 hx Hash/HashListpackEx = [f=v]", lines);
        }
    }

    [Fact]
    public async Task Read_ChecksumZero_AcceptedAsDisabled()
    {
        var data = new RdbBuilder().Header(10).SelectDb(0).Key(0, "k").Str("v").End(checksum: 0).ToArray();
        var lines = await SplitHarness.AssertSameEverywhereAsync(data);
        Assert.Equal("end unverified", lines[^1]);
    }

    [Fact]
    public async Task Read_ChecksumMismatch_FailsWithBothValues()
    {
        var data = new RdbBuilder().Header(10).SelectDb(0).Key(0, "k").Str("v").End(checksum: 0x1122334455667788).ToArray();
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("CRC64 mismatch: the file says 0x1122334455667788", ex.Message, StringComparison.Ordinal);
        Assert.Equal(data.Length - 8, ex.Offset);
    }

    [Fact]
    public async Task Read_ChecksumMismatchWithVerificationOff_Accepted()
    {
        var data = new RdbBuilder().Header(10).SelectDb(0).Key(0, "k").Str("v").End(checksum: 5).ToArray();
        var lines = await RdbRender.ReadLinesAsync(data, new RdbReaderOptions { VerifyChecksum = false });
        Assert.Equal("end unverified", lines[^1]);
    }

    [Fact]
    public async Task Read_FlippedContentByte_ChecksumCatchesIt()
    {
        var data = new RdbBuilder().Header(10).SelectDb(0).Key(0, "k").Str("value").End().ToArray();
        data[^12] ^= 0x01; // inside "value"
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("CRC64 mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("REDIS0000", "unsupported RDB version 0")]
    [InlineData("REDIS0016", "unsupported RDB version 16")]
    [InlineData("VALKEY079", "unsupported RDB version 79")]
    [InlineData("VALKEY081", "unsupported RDB version 81")]
    [InlineData("REDIX0009", "expected the magic")]
    [InlineData("REDIS00a9", "version digits")]
    [InlineData("\u0000\u0001GARBAGE", "expected the magic")]
    public async Task Read_BadHeader_FailsClearly(string header, string expected)
    {
        var data = RdbBuilder.B(header + "\u00ff");
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ex.RdbVersion);
    }

    [Fact]
    public async Task Read_EmptyInput_FailsAsTruncated()
    {
        var ex = await Assert.ThrowsAsync<RdbFormatException>(() => RdbRender.ReadLinesAsync([]));
        Assert.Contains("unexpected end of input, expected 9 more bytes for the 9-byte RDB header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_EveryTruncation_FailsAsTruncatedNeverOtherwise()
    {
        var data = FileFor(12);
        for (var length = 0; length < data.Length; length++)
        {
            var ex = await Assert.ThrowsAsync<RdbFormatException>(() => RdbRender.ReadLinesAsync(data[..length]));
            Assert.Contains("unexpected end of input", ex.Message, StringComparison.Ordinal);
            Assert.Equal(length, ex.Offset);
        }
    }
}
