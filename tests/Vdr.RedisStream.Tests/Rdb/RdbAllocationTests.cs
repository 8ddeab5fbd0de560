using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;
using static Vdr.RedisStream.Tests.Rdb.Support.CompactBuilders;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbAllocationTests
{
    private const int KeyCount = 2000;

    /// <summary>
    /// Per key: the bytes of its records (key start and end, the key, the chunk, its list and array, the element
    /// arrays: 360 for three list or set elements, 384 for three scored members, 528 for three hash fields) and 64 to
    /// spare. An iterator and a chunk buffer per value (they took 624-968 bytes per key), or a list sized for 128
    /// elements (1,784 per quicklist key), is what these budgets catch.
    /// </summary>
    public static TheoryData<string, int, long> ThreeElementValues => new()
    {
        { "listpack set", (int)RdbEncoding.SetListpack, 424 },
        { "intset", (int)RdbEncoding.SetIntset, 424 },
        { "listpack hash", (int)RdbEncoding.HashListpack, 592 },
        { "listpack sorted set", (int)RdbEncoding.ZSetListpack, 448 },
        { "ziplist list", (int)RdbEncoding.ListZiplist, 424 },
        { "one-node quicklist", (int)RdbEncoding.ListQuicklist2, 424 },
        { "plain set", (int)RdbEncoding.Set, 424 },
        { "plain list", (int)RdbEncoding.List, 424 },
    };

    [Theory]
    [MemberData(nameof(ThreeElementValues))]
    public async Task Read_BufferedOneChunkValues_AllocateLittleMoreThanTheirRecords(string name, int type, long budgetPerKey)
    {
        var data = Fixtures.Keys(b =>
        {
            for (var i = 0; i < KeyCount; i++)
            {
                AddThreeElementValue(b.Key(type, $"k{i:D5}"), (RdbEncoding)type);
            }
        });

        // Warm up (JIT, the reader's one-off buffers), then measure a second read; all input is buffered, so the
        // whole read runs synchronously on this thread.
        await ReadAllAsync(data);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var records = await ReadAllAsync(data);
        var perKey = (GC.GetAllocatedBytesForCurrentThread() - before) / KeyCount;

        Assert.Equal((3 * KeyCount) + 3, records);
        Assert.True(perKey <= budgetPerKey, $"{name}: {perKey} bytes allocated per key, more than the {budgetPerKey}-byte budget");
    }

    private static void AddThreeElementValue(RdbBuilder b, RdbEncoding encoding)
    {
        switch (encoding)
        {
            case RdbEncoding.SetListpack:
                b.Str(Listpack(["a", "b", "c"]));
                break;
            case RdbEncoding.SetIntset:
                b.Str(Intset(2, 1, 2, 3));
                break;
            case RdbEncoding.HashListpack:
                b.Str(Listpack(["f", "v", "g", "w", "h", "x"]));
                break;
            case RdbEncoding.ZSetListpack:
                b.Str(Listpack(["m", 1, "n", 2, "o", 3]));
                break;
            case RdbEncoding.ListZiplist:
                b.Str(Ziplist(["a", "b", "c"]));
                break;
            case RdbEncoding.ListQuicklist2:
                b.Len(1).Len(2).Str(Listpack(["a", "b", "c"]));
                break;
            default:
                b.Len(3).Str("a").Str("b").Str("c");
                break;
        }
    }

    private static async Task<int> ReadAllAsync(byte[] data)
    {
        var records = 0;
        await using var reader = new RdbReader(new SegmentedPipeReader(data, [data.Length]));
        while (await reader.ReadAsync())
        {
            records++;
        }

        return records;
    }
}
