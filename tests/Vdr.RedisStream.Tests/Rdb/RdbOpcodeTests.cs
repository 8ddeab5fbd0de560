using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Rdb.Encodings;
using Vdr.RedisStream.Tests.Rdb.Support;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbOpcodeTests
{
    [Fact]
    public async Task Read_AllOpcodes_ReportedInOrder()
    {
        var moduleId = ModuleId.Encode("ReJSON-RL", 3);
        var data = Fixtures.File(12, b => b
            .Aux("redis-ver", "7.4.0").Aux("aof-base", "0")
            .Byte(0xF7).Len(moduleId).Len(2).Len(2)
                .Len(1).Len(42).Len(2).Len(ulong.MaxValue).Len(3).Int32(0).Len(4).Int64(0).Len(5).Str("aux string").Len(5).LzfStr(new byte[100]).Len(0)
            .Byte(0xF5).Str("#!lua name=lib\nreturn 1")
            .Byte(0xF6).Str("oldlib").Str("LUA").Len(1).Str("desc").Str("return 2")
            .Byte(0xF6).Str("nodesc").Str("LUA").Len(0).Str("return 3")
            .SelectDb(3).ResizeDb(2, 1)
            .Byte(0xF4).Len(1234).Len(2).Len(1)
            .ExpireMs(1_900_000_000_123).Byte(0xF8).Len(77).Key(0, "k1").Str("v1")
            .Byte(0xF9).Byte(200).ExpireSec(1_900_000_000).Key(0, "k2").Str("v2")
            .Key(0, "k3").Str("v3")
            .Aux("between", "keys")
            .SelectDb(0).Key(0, "k4").Str("v4"));
        var lines = await SplitHarness.AssertSameEverywhereAsync(data);
        Assert.Equal(
            [
                "header REDIS 12",
                "aux redis-ver=7.4.0",
                "aux aof-base=0",
                "moduleaux ReJSON-RL 3 when=2",
                "function 0x" + Convert.ToHexString(RdbBuilder.B("#!lua name=lib\nreturn 1")),
                "function oldlib return 2",
                "function nodesc return 3",
                "selectdb 3",
                "resizedb 2 1",
                "slotinfo 1234 2 1",
                "db3 k1 String/String exp=1900000000123 idle=77 = v1",
                "db3 k2 String/String exp=1900000000000 freq=200 = v2",
                "db3 k3 String/String = v3",
                "aux between=keys",
                "selectdb 0",
                "db0 k4 String/String = v4",
                "end verified",
            ],
            lines);
    }

    [Fact]
    public async Task Read_ModuleValue_SkippedAndReportedWithName()
    {
        var id = ModuleId.Encode("MBbloom--", 4);
        var data = Fixtures.Keys(b => b
            .Key(7, "bf").Len(id).Len(2).Len(5).Len(5).Str("payload").Len(4).Int64(0).Len(3).Int32(0).Len(1).Len(3).Len(0)
            .Key(0, "after").Str("ok"));
        var lines = await Fixtures.KeyLinesAsync(data);
        Assert.Equal(["db0 bf Module/Module2 = [module(MBbloom-- v4 37 bytes)]", "db0 after String/String = ok"], lines);
    }

    [Fact]
    public void ModuleId_KnownNames_RoundTrip()
    {
        foreach (var name in new[] { "ReJSON-RL", "TSDB-TYPE", "MBbloomCF", "vectorset", "_-09azAZ_" })
        {
            var id = ModuleId.Encode(name, 1023);
            Assert.Equal(name, ModuleId.Name(id));
            Assert.Equal(1023, ModuleId.EncodingVersion(id));
        }
    }

    [Fact]
    public async Task Read_ModuleUnknownOpcode_Fails()
    {
        var data = Fixtures.Keys(b => b.Key(7, "m").Len(ModuleId.Encode("ReJSON-RL", 1)).Len(9));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("unknown module opcode 9", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ReJSON-RL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ModuleType6_FailsClearly()
    {
        var data = Fixtures.Keys(b => b.Key(6, "m"));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("module value type 6", ex.Message, StringComparison.Ordinal);
        Assert.Equal(11, ex.Offset);
    }

    [Fact]
    public async Task Read_KeyMetaInRdb13_Skipped()
    {
        var data = Fixtures.File(13, b => b.SelectDb(0)
            .Byte(0xF3).Len(2).Raw(1, 2, 3, 4).Len(2).Len(9).Len(0).Raw(5, 6, 7, 8).Len(5).Str("meta").Len(0)
            .Key(0, "k").Str("v"));
        var lines = await SplitHarness.AssertSameEverywhereAsync(data);
        Assert.Equal(["header REDIS 13", "selectdb 0", "db0 k String/String = v", "end verified"], lines);
    }

    [Theory]
    [InlineData(26, "STREAM_LISTPACKS_4")]
    [InlineData(27, "STREAM_LISTPACKS_5")]
    [InlineData(28, "unknown value type or opcode 28")]
    [InlineData(8, "unknown value type or opcode 8")]
    [InlineData(0xF2, "unknown value type or opcode 242")]
    public async Task Read_UnsupportedType_FailsNamingTypeVersionOffset(int type, string expected)
    {
        var data = Fixtures.File(13, b => b.SelectDb(0).Key(0, "ok").Str("v").Key(type, "k"));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(13, ex.RdbVersion);
        Assert.Equal(9 + 2 + 1 + 3 + 2, ex.Offset);
        Assert.Contains("RDB version 13", ex.Message, StringComparison.Ordinal);
    }
}
