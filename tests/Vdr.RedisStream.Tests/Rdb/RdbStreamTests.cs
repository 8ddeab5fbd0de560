using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbStreamTests
{
    private static RdbBuilder Nodes(RdbBuilder b)
    {
        var node1 = new StreamNodeBuilder(100, 0, "a", "b")
            .Add(100, 0, false, ("a", "1"), ("b", "2"))
            .Add(100, 1, true, ("a", "3"), ("b", "4"))
            .Add(105, 7, false, ("c", "x"))
            .Add(200, 0, false, ("a", "5"), ("b", "6"));
        var node2 = new StreamNodeBuilder(300, 5, "f")
            .Add(300, 5, false, ("f", "v"))
            .Add(301, 0, false, ("g", "w"), ("h", string.Empty));
        return b.Len(2).Str(node1.MasterKey()).Str(node1.Listpack()).Str(node2.MasterKey()).LzfStr(node2.Listpack());
    }

    private const string Entries = "100-0{a=1 b=2},105-7{c=x},200-0{a=5 b=6},300-5{f=v},301-0{g=w h=}";

    [Fact]
    public async Task Read_StreamV1_EntriesAndGroups()
    {
        var data = Fixtures.Keys(
            b => Nodes(b.Key(15, "s"))
                .Len(5).Len(301).Len(0)
                .Len(1)
                .Str("g1").Len(200).Len(0)
                .Len(2).StreamIdRaw(100, 0).Int64(1000).Len(2).StreamIdRaw(200, 0).Int64(2000).Len(1)
                .Len(1).Str("alice").Int64(5000).Len(2).StreamIdRaw(100, 0).StreamIdRaw(200, 0),
            version: 9);
        await Fixtures.AssertKeysAsync(
            data,
            $"db0 s Stream/StreamListpacks = [{Entries},meta(len=5 last=301-0 first=0-0 maxdel=0-0 added=5 groups=[g1 last=200-0 read=- pel=[100-0/1000/2/alice,200-0/2000/1/alice] consumers=[alice/5000/-/100-0+200-0]])]");
    }

    [Fact]
    public async Task Read_StreamV2_MetadataEntriesReadAndOrphanPending()
    {
        var data = Fixtures.Keys(
            b => Nodes(b.Key(19, "s"))
                .Len(5).Len(301).Len(0).Len(100).Len(0).Len(100).Len(1).Len(6)
                .Len(2)
                .Str("g1").Len(200).Len(0).Len64(ulong.MaxValue)
                .Len(1).StreamIdRaw(105, 7).Int64(7).Len(3)
                .Len(0)
                .Str("g2").Len(0).Len(0).Len(0).Len(0).Len(0),
            version: 10);
        await Fixtures.AssertKeysAsync(
            data,
            $"db0 s Stream/StreamListpacks2 = [{Entries},meta(len=5 last=301-0 first=100-0 maxdel=100-1 added=6 groups=[g1 last=200-0 read=-1 pel=[105-7/7/3/-] consumers=[];g2 last=0-0 read=0 pel=[] consumers=[]])]");
    }

    [Fact]
    public async Task Read_StreamV3_ConsumerActiveTime()
    {
        var data = Fixtures.Keys(
            b => Nodes(b.Key(21, "s"))
                .Len(5).Len(301).Len(0).Len(100).Len(0).Len(100).Len(1).Len(6)
                .Len(1)
                .Str("g").Len(301).Len(0).Len(5)
                .Len(1).StreamIdRaw(301, 0).Int64(11).Len(1)
                .Len(2).Str("c1").Int64(20).Int64(21).Len(1).StreamIdRaw(301, 0).Str("c2").Int64(30).Int64(-1).Len(0),
            version: 11);
        await Fixtures.AssertKeysAsync(
            data,
            $"db0 s Stream/StreamListpacks3 = [{Entries},meta(len=5 last=301-0 first=100-0 maxdel=100-1 added=6 groups=[g last=301-0 read=5 pel=[301-0/11/1/c1] consumers=[c1/20/21/301-0,c2/30/-1/]])]");
    }

    [Fact]
    public async Task Read_EmptyStream_KeptWithMetadata()
    {
        var data = Fixtures.Keys(b => b.Key(19, "s").Len(0).Len(0).Len(5).Len(5).Len(0).Len(0).Len(5).Len(5).Len(1).Len(0), version: 10);
        await Fixtures.AssertKeysAsync(data, "db0 s Stream/StreamListpacks2 = [meta(len=0 last=5-5 first=0-0 maxdel=5-5 added=1 groups=[])]");
    }

    [Fact]
    public async Task Read_StreamEntriesChunked()
    {
        var node = new StreamNodeBuilder(1, 0, "f");
        for (ulong i = 0; i < 50; i++)
        {
            node.Add(1 + i, 0, i % 10 == 3, ("f", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var data = Fixtures.Keys(b => b.Key(19, "s").Len(1).Str(node.MasterKey()).Str(node.Listpack()).Len(45).Len(50).Len(0).Len(1).Len(0).Len(0).Len(0).Len(50).Len(0), version: 10);
        await using var reader = new RdbReader(new SegmentedPipeReader(data, [data.Length]), new RdbReaderOptions { MaxChunkElements = 10 });
        var chunks = new List<RdbStreamEntriesChunk>();
        while (await reader.ReadAsync())
        {
            if (reader.Current is RdbStreamEntriesChunk c)
            {
                chunks.Add(c);
            }
        }

        Assert.Equal([10, 10, 10, 10, 5], chunks.Select(c => c.Entries.Count));
        Assert.True(chunks[^1].IsLast);
        Assert.DoesNotContain(chunks.SelectMany(c => c.Entries), e => e.Id.Ms % 10 == 4);
    }

    [Fact]
    public async Task Read_StreamMasterIdNot16Bytes_Fails()
    {
        var data = Fixtures.Keys(b => b.Key(19, "s").Len(1).Str("short"), version: 10);
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("master id is 5 bytes, expected 16", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_StreamNodeCountMismatch_Fails()
    {
        var lp = CompactBuilders.Listpack([2, 0, 1, "f", 0, 2, 0, 0, "v", 4]);
        var data = Fixtures.Keys(b => b.Key(19, "s").Len(1).Str(new StreamNodeBuilder(1, 0).MasterKey()).Str(lp), version: 10);
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("announces 2 entries", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ConsumerPendingNotInGroupPel_Fails()
    {
        var data = Fixtures.Keys(
            b => b.Key(19, "s").Len(0).Len(0).Len(0).Len(0).Len(0).Len(0).Len(0).Len(0).Len(0)
                .Len(1).Str("g").Len(0).Len(0).Len(0).Len(0)
                .Len(1).Str("c").Int64(1).Len(1).StreamIdRaw(9, 9),
            version: 10);
        var ex = await SplitHarness.AssertFailsEverywhereAsync(data);
        Assert.Contains("9-9 is not in the group's pending entries list", ex.Message, StringComparison.Ordinal);
    }
}
