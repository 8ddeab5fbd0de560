using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;

namespace Vdr.RedisStream.Tests.Rdb;

public class RealRedisDumpTests(RealRedisDumpFixture fixture) : IClassFixture<RealRedisDumpFixture>
{
    private static readonly Dictionary<string, RdbEncoding[]> EncodingsByObjectEncoding = new()
    {
        ["embstr"] = [RdbEncoding.String],
        ["raw"] = [RdbEncoding.String],
        ["int"] = [RdbEncoding.String],
        ["quicklist"] = [RdbEncoding.ListQuicklist2],
        ["listpack"] = [RdbEncoding.HashListpack, RdbEncoding.ZSetListpack, RdbEncoding.ListQuicklist2, RdbEncoding.SetListpack],
        ["intset"] = [RdbEncoding.SetIntset],
        ["hashtable"] = [RdbEncoding.Set, RdbEncoding.Hash],
        ["skiplist"] = [RdbEncoding.ZSet2],
        ["stream"] = [RdbEncoding.StreamListpacks2, RdbEncoding.StreamListpacks3],
    };

    [Fact]
    public async Task Read_RealDump_EveryKeyMatchesTheServer()
    {
        var records = new List<RdbRecord>();
        await using (var reader = new RdbReader(new SegmentedPipeReader(fixture.Dump, [fixture.Dump.Length])))
        {
            while (await reader.ReadAsync())
            {
                records.Add(reader.Current);
            }

            Assert.Equal(fixture.Dump.Length, reader.BytesConsumed);
        }

        var end = Assert.IsType<RdbEnd>(records[^1]);
        Assert.True(end.ChecksumVerified);
        Assert.Contains(records, r => r is RdbAux a && RdbRender.T(a.Key) == "redis-ver" && RdbRender.T(a.Value) == fixture.ServerVersion);
        Assert.Contains(records, r => r is RdbFunction f && System.Text.Encoding.UTF8.GetString(f.Code).StartsWith("#!lua name=mylib\n", StringComparison.Ordinal));

        var seen = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is not RdbKeyStart k)
            {
                continue;
            }

            var j = i;
            while (records[j] is not RdbKeyEnd)
            {
                j++;
            }

            var line = RdbRender.Render([new RdbHeader("REDIS", 10), .. records.Skip(i).Take(j - i + 1)])[1];
            var keyText = RdbRender.T(k.Key);
            Assert.True(fixture.Expected.TryGetValue((k.Db, keyText), out var expected), $"unexpected key {keyText} in db {k.Db}");
            var value = line[(line.IndexOf(" = ", StringComparison.Ordinal) + 3)..];
            if (k.Type is RdbValueType.Set or RdbValueType.Hash or RdbValueType.SortedSet)
            {
                value = "[" + string.Join(",", SplitTop(value[1..^1]).Order(StringComparer.Ordinal)) + "]";
            }

            if (k.Type == RdbValueType.Stream)
            {
                value = value[..value.LastIndexOf("meta(", StringComparison.Ordinal)].TrimEnd(',') + "]";
            }

            Assert.Equal(expected.Value, value);
            Assert.Contains(k.Encoding, EncodingsByObjectEncoding[expected.Encoding]);
            Assert.Equal(expected.ExpireAt > 0 ? expected.ExpireAt : null, k.ExpireAtMs);
            seen++;
        }

        Assert.Equal(fixture.Expected.Count, seen);
    }

    [Fact]
    public async Task Read_RealDump_StreamMetadataAndGroups()
    {
        var lines = await RdbRender.ReadLinesAsync(fixture.Dump);
        var stream = Assert.Single(lines, l => l.StartsWith("db0 stream:1 ", StringComparison.Ordinal));
        Assert.Contains("1-1{a=1 b=2},2-1{c=x},3-1{a=5 b=6},meta(len=3 last=3-1 first=1-1 maxdel=1-2 added=4 groups=[", stream, StringComparison.Ordinal);
        Assert.Matches(@"g1 last=3-1 read=-?\d+ pel=\[1-1/\d+/1/alice,2-1/\d+/1/alice,3-1/\d+/1/bob\] consumers=\[alice/\d+/-/1-1\+2-1,bob/\d+/-/3-1\]", stream);
        Assert.Contains("g2 last=3-1", stream, StringComparison.Ordinal);
        var empty = Assert.Single(lines, l => l.StartsWith("db0 stream:empty ", StringComparison.Ordinal));
        Assert.EndsWith("= [meta(len=0 last=5-5 first=0-0 maxdel=5-5 added=1 groups=[])]", empty);
    }

    [Fact]
    public async Task Read_RealDump_SmallChunks_SameContentAndBoundedChunks()
    {
        var options = new RdbReaderOptions { MaxChunkElements = 7, MaxChunkBytes = 1000 };
        var small = await RdbRender.ReadLinesAsync(fixture.Dump, options);
        var normal = await RdbRender.ReadLinesAsync(fixture.Dump);
        Assert.Equal(normal, small);

        await using var reader = new RdbReader(new SegmentedPipeReader(fixture.Dump, [fixture.Dump.Length]), options);
        var chunks = 0;
        while (await reader.ReadAsync())
        {
            switch (reader.Current)
            {
                case RdbListChunk c:
                    Assert.InRange(c.Items.Count, 0, 7);
                    chunks++;
                    break;
                case RdbStringChunk s:
                    Assert.InRange(s.Bytes.Length, 0, 1000);
                    chunks++;
                    break;
            }
        }

        Assert.True(chunks > 1500, $"only {chunks} chunks");
    }

    [Fact]
    public async Task Read_RealDump_SplitAtManyPointsAndOneBytePerRead_SameResult()
    {
        await SplitHarness.AssertSameEverywhereAsync(fixture.Dump, maxSplits: 60);
    }

    private static IEnumerable<string> SplitTop(string s)
    {
        if (s.Length == 0)
        {
            yield break;
        }

        foreach (var part in s.Split(','))
        {
            yield return part;
        }
    }
}
