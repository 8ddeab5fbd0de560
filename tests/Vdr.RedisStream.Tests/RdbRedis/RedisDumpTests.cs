using System.IO.Pipelines;
using System.Text;
using Vdr.RedisStream.Rdb;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.RdbRedis;

/// <summary>A dump written by the real redis-server 7.0, decoded, compared with what the server said about each key.</summary>
public sealed class RedisDumpTests(RedisDumpFixture fixture) : IClassFixture<RedisDumpFixture>
{
    [Fact]
    public async Task FromFile_RedisDump_EveryKeyMatchesServer()
    {
        await using var reader = RdbReader.FromFile(fixture.DumpPath);
        var dump = await DecodedDump.ReadAsync(reader);

        AssertSameKeys(fixture.Expected, dump.Keys);
        Assert.Equal(fixture.Dump.Length, dump.BytesConsumed);
    }

    [Fact]
    public async Task FromFile_RedisDump_EveryEncodingOf70Present()
    {
        await using var reader = RdbReader.FromFile(fixture.DumpPath);
        var dump = await DecodedDump.ReadAsync(reader);

        var seen = dump.Keys.Select(k => k.Encoding).ToHashSet();
        RdbEncoding[] written70 = [RdbEncoding.String, RdbEncoding.ListQuicklist2, RdbEncoding.Set, RdbEncoding.SetIntset, RdbEncoding.ZSet2, RdbEncoding.ZSetListpack, RdbEncoding.Hash, RdbEncoding.HashListpack, RdbEncoding.StreamListpacks2];
        Assert.All(written70, e => Assert.Contains(e, seen));
        Assert.Contains(dump.Keys, k => k.ExpireAtMs == RdbSampleData.ExpireAtMs);
        Assert.Contains(dump.Keys, k => k.Key == KeyModel.Show(RdbSampleData.BinaryKey) && k.Value == KeyModel.Show(RdbSampleData.BinaryValue));
    }

    [Fact]
    public async Task FromFile_RedisDump_MetadataRecords()
    {
        await using var reader = RdbReader.FromFile(fixture.DumpPath);
        var dump = await DecodedDump.ReadAsync(reader);

        var header = Assert.IsType<RdbHeader>(dump.OtherRecords[0]);
        Assert.Equal("REDIS", header.Magic);
        Assert.Equal(10, header.Version);
        Assert.Equal(10, reader.Version);
        var aux = dump.OtherRecords.OfType<RdbAux>().ToDictionary(a => Encoding.UTF8.GetString(a.Key), a => Encoding.UTF8.GetString(a.Value));
        Assert.Equal(fixture.RedisVersion, aux["redis-ver"]);
        Assert.Equal("64", aux["redis-bits"]);
        Assert.True(aux.ContainsKey("ctime"));
        var function = Assert.Single(dump.OtherRecords.OfType<RdbFunction>());
        Assert.Equal(RdbSampleData.FunctionLibrary, Encoding.UTF8.GetString(function.Code));
        Assert.Equal(RedisDumpFixture.Dbs, dump.OtherRecords.OfType<RdbSelectDb>().Select(s => s.Db));
        Assert.Equal(RedisDumpFixture.Dbs.Select(db => (ulong)fixture.DbSizes[db]), dump.OtherRecords.OfType<RdbResizeDb>().Select(r => r.DbSize));
        var end = Assert.IsType<RdbEnd>(dump.OtherRecords[^1]);
        Assert.True(end.ChecksumVerified);
        Assert.NotEqual(0UL, end.Checksum);
    }

    [Fact]
    public async Task OneBytePerChunk_RedisDump_SameAsWhole()
    {
        var whole = await DecodedDump.ReadAsync(PipeReader.Create(new MemoryStream(fixture.Dump)));

        var trickle = new TricklePipeReader(fixture.Dump, chunkSize: 1);
        var decoded = await DecodedDump.ReadAsync(trickle);

        AssertSameKeys(whole.Keys, decoded.Keys);
        Assert.Equal(whole.OtherRecords.Select(Describe), decoded.OtherRecords.Select(Describe));
        Assert.True(trickle.Reads >= fixture.Dump.Length, $"only {trickle.Reads} reads for {fixture.Dump.Length} bytes");
    }

    [Fact]
    public async Task TinyChunkLimits_RedisDump_SameKeys()
    {
        var options = new RdbReaderOptions { MaxChunkElements = 3, MaxChunkBytes = 100 };

        var decoded = await DecodedDump.ReadAsync(PipeReader.Create(new MemoryStream(fixture.Dump)), options);

        AssertSameKeys(fixture.Expected, decoded.Keys);
    }

    private static void AssertSameKeys(List<KeyModel> expected, List<KeyModel> actual)
    {
        var byKey = actual.ToDictionary(k => (k.Db, k.Key));
        Assert.Equal(expected.Count, actual.Count);
        foreach (var want in expected)
        {
            Assert.True(byKey.TryGetValue((want.Db, want.Key), out var got), $"key {want.Key} of db {want.Db} not decoded");
            Assert.Equal(want, got);
        }
    }

    private static string Describe(RdbRecord record) => record switch
    {
        RdbAux a => $"aux {KeyModel.Show(a.Key)}={KeyModel.Show(a.Value)}",
        RdbFunction f => $"function {KeyModel.Show(f.Code)}",
        _ => record.ToString(),
    };
}
