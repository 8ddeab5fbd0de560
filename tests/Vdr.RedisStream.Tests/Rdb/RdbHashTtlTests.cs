using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;
using static Vdr.RedisStream.Tests.Rdb.Support.CompactBuilders;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbHashTtlTests
{
    private const long Now = 1_800_000_000_000;

    [Fact]
    public async Task Read_HashMetadata_TtlsRelativeToMinExpire()
    {
        // ttl 0 = none; otherwise expireAt = ttl + minExpire - 1.
        var data = Fixtures.Keys(b => b.Key(24, "h").Int64(Now).Len(3)
            .Len(0).Str("plain").Str("v1")
            .Len(1).Str("soonest").Str("v2")
            .Len(5001).Str("later").Str("v3"));
        await Fixtures.AssertKeysAsync(data, $"db0 h Hash/HashMetadata = [plain=v1,soonest=v2@{Now},later=v3@{Now + 5000}]");
    }

    [Fact]
    public async Task Read_HashMetadataPreGa_AbsoluteTtls()
    {
        var data = Fixtures.Keys(b => b.Key(22, "h").Len(2).Len(0).Str("a").Str("1").Len((ulong)Now).Str("b").Str("2"));
        await Fixtures.AssertKeysAsync(data, $"db0 h Hash/HashMetadataPreGa = [a=1,b=2@{Now}]");
    }

    [Fact]
    public async Task Read_HashListpackEx_TriplesWithZeroMeaningNoTtl()
    {
        var data = Fixtures.Keys(b => b
            .Key(25, "h").Int64(Now).Str(Listpack(["f1", "v1", 0, "f2", 22, Now, "f3", "x", Now + 1]))
            .Key(23, "pre").Str(Listpack(["a", "b", Now])));
        await Fixtures.AssertKeysAsync(
            data,
            $"db0 h Hash/HashListpackEx = [f1=v1,f2=22@{Now},f3=x@{Now + 1}]",
            $"db0 pre Hash/HashListpackExPreGa = [a=b@{Now}]");
    }

    [Fact]
    public async Task Read_HashMetadataExpiryBeyond48Bits_Fails()
    {
        var data = Fixtures.Keys(b => b.Key(22, "h").Len(1).Len(1UL << 48).Str("a").Str("1"));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("beyond the largest valid expiry", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_HashListpackExNotTriples_Fails()
    {
        var data = Fixtures.Keys(b => b.Key(25, "h").Int64(0).Str(Listpack(["f1", "v1"])));
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("without its expiry", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ValkeyHash2_FieldExpiriesAndMinusOne()
    {
        var data = Fixtures.File(80, b => b
            .Aux("valkey-ver", "9.0.0")
            .SelectDb(0)
            .Key(22, "h").Len(2).Str("f").Str("v").Int64(-1).Str("g").Str("w").Int64(Now)
            .Key(0, "s").Str("plain"),
            magic: "VALKEY");
        var lines = await SplitHarness.AssertSameEverywhereAsync(data);
        Assert.Equal(
            ["header VALKEY 80", "aux valkey-ver=9.0.0", "selectdb 0", $"db0 h Hash/ValkeyHash2 = [f=v,g=w@{Now}]", "db0 s String/String = plain", "end verified"],
            lines);
    }

    [Fact]
    public async Task Read_ValkeyFileWithRedisOnlyType_FailsClearly()
    {
        var data = Fixtures.File(80, b => b.SelectDb(0).Key(24, "h"), magic: "VALKEY");
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("unsupported value type 24 in a VALKEY080 file", ex.Message, StringComparison.Ordinal);
        Assert.Equal(11, ex.Offset);
        Assert.Equal(80, ex.RdbVersion);
    }

    [Fact]
    public async Task Read_ValkeySlotImportAndSlotInfo_Handled()
    {
        var data = Fixtures.File(80, b => b
            .Byte(0xF3).Str(new string('j', 40)).Len(2).Len(0).Len(100).Len(200).Len(16383)
            .Byte(0xF4).Len(7).Len(1).Len(0)
            .SelectDb(0).Key(0, "k").Str("v"),
            magic: "VALKEY");
        var lines = await SplitHarness.AssertSameEverywhereAsync(data);
        Assert.Equal(["header VALKEY 80", "slotinfo 7 1 0", "selectdb 0", "db0 k String/String = v", "end verified"], lines);
    }

    [Fact]
    public async Task Read_RealRedis_Hash2IsNotValkeyInRedisFile()
    {
        // In a REDIS file, type 22 is HASH_METADATA_PRE_GA.
        var data = Fixtures.Keys(b => b.Key(22, "h").Len(1).Len(0).Str("a").Str("1"));
        var lines = await Fixtures.KeyLinesAsync(data);
        Assert.Equal(["db0 h Hash/HashMetadataPreGa = [a=1]"], lines);
        _ = RdbEncoding.HashMetadataPreGa;
    }
}
