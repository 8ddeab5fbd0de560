using System.Text;
using System.Text.Json;
using Vdr.Cdc.Host.Output;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Tests.Output;

public class KeyJsonWriterTests
{
    private static readonly byte[] Key = "k"u8.ToArray();

    [Fact]
    public void Write_StringWithTtl_ExactLine()
    {
        var text = Render(null,
            Start(RdbValueType.String, RdbEncoding.String, expireAt: 1700000000123),
            new RdbStringChunk(0, true, 0, "v"u8.ToArray()),
            End(1));

        Assert.Equal("{\"db\":3,\"key\":\"k\",\"type\":\"string\",\"value\":\"v\",\"expire_at_ms\":1700000000123}\n", text);
    }

    [Fact]
    public void Write_NonKeyRecords_NotConsumed()
    {
        using var writer = new KeyJsonWriter(new MemoryStream());

        Assert.False(writer.Write(new RdbAux("redis-ver"u8.ToArray(), "7.0"u8.ToArray())));
        Assert.False(writer.Write(new RdbSelectDb(1)));
        Assert.False(writer.Write(new RdbHeader("REDIS", 10)));
    }

    [Fact]
    public void Write_ListInChunksWithBinaryKey_ExactLine()
    {
        var key = new byte[] { 0xff, 0x00 };
        var text = Render(null,
            new RdbKeyStart(0, key, RdbValueType.List, RdbEncoding.ListQuicklist2, null, null, null),
            new RdbListChunk(0, false, ["a"u8.ToArray(), [0xc3]]),
            new RdbListChunk(1, true, ["b"u8.ToArray()]),
            new RdbKeyEnd(0, key, 3));

        Assert.Equal("{\"db\":0,\"key\":{\"b64\":\"/wA=\"},\"type\":\"list\",\"value\":[\"a\",{\"b64\":\"ww==\"},\"b\"]}\n", text);
    }

    [Fact]
    public void Write_EmptyChunkSet_EmptyArray()
    {
        var text = Render(null, Start(RdbValueType.Set, RdbEncoding.SetIntset), new RdbSetChunk(0, true, []), End(0));

        Assert.Equal("{\"db\":3,\"key\":\"k\",\"type\":\"set\",\"value\":[]}\n", text);
    }

    [Fact]
    public void Write_HashWithFieldTtl_ThreeElementPairOnlyWhereTtl()
    {
        var text = Render(null,
            Start(RdbValueType.Hash, RdbEncoding.HashListpackEx),
            new RdbHashChunk(0, true, [new("f1"u8.ToArray(), "v1"u8.ToArray(), null), new("f2"u8.ToArray(), "v2"u8.ToArray(), 42)]),
            End(2));

        Assert.Equal("{\"db\":3,\"key\":\"k\",\"type\":\"hash\",\"value\":[[\"f1\",\"v1\"],[\"f2\",\"v2\",42]]}\n", text);
    }

    [Fact]
    public void Write_ListpackZSet_KeptInStoredOrder()
    {
        var text = Render(null,
            Start(RdbValueType.SortedSet, RdbEncoding.ZSetListpack),
            new RdbSortedSetChunk(0, true, [new("a"u8.ToArray(), 1), new("b"u8.ToArray(), 2.5), new("c"u8.ToArray(), double.PositiveInfinity)]),
            End(3));

        Assert.Equal("{\"db\":3,\"key\":\"k\",\"type\":\"zset\",\"value\":[[\"a\",1],[\"b\",2.5],[\"c\",\"inf\"]]}\n", text);
    }

    [Theory]
    [InlineData(RdbEncoding.ZSet2)]
    [InlineData(RdbEncoding.ZSet)]
    public void Write_SkiplistZSetHighestFirst_PrintedInRankOrder(RdbEncoding encoding)
    {
        var text = Render(null,
            Start(RdbValueType.SortedSet, encoding),
            new RdbSortedSetChunk(0, false, [new("z"u8.ToArray(), 3), new("b"u8.ToArray(), 1)]),
            new RdbSortedSetChunk(1, true, [new("ab"u8.ToArray(), 1), new("a"u8.ToArray(), 1), new("m"u8.ToArray(), double.NegativeInfinity)]),
            End(5));

        Assert.Equal("{\"db\":3,\"key\":\"k\",\"type\":\"zset\",\"value\":[[\"m\",\"-inf\"],[\"a\",1],[\"ab\",1],[\"b\",1],[\"z\",3]]}\n", text);
    }

    [Theory]
    [InlineData(200_000, -1)]       // Redis 5+: highest first, streamed back through the file stack
    [InlineData(150_000, 100_000)]  // highest first until one member breaks the order after members went to the file
    [InlineData(70_000, 3)]         // breaks early: sorted in memory
    public void Write_BigSkiplistZSet_RankOrderEveryMemberOnce(int count, int breakAt)
    {
        var members = new List<RdbScoredMember>(count);
        for (var i = count - 1; i >= 0; i--)
        {
            members.Add(new(Encoding.ASCII.GetBytes("m" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)), i / 2));
        }

        if (breakAt >= 0)
        {
            (members[breakAt], members[^1]) = (members[^1], members[breakAt]);
        }

        var records = new List<RdbRecord> { Start(RdbValueType.SortedSet, RdbEncoding.ZSet2) };
        for (var offset = 0; offset < count; offset += 4096)
        {
            var chunk = members.GetRange(offset, Math.Min(4096, count - offset));
            records.Add(new RdbSortedSetChunk(offset / 4096, offset + chunk.Count == count, chunk));
        }

        records.Add(End(count));
        using var line = JsonDocument.Parse(Render(null, [.. records]));
        var value = line.RootElement.GetProperty("value");
        Assert.Equal(count, value.GetArrayLength());
        var i2 = 0;
        foreach (var pair in value.EnumerateArray())
        {
            Assert.Equal("m" + i2.ToString("D7", System.Globalization.CultureInfo.InvariantCulture), pair[0].GetString());
            Assert.Equal(i2 / 2, pair[1].GetDouble());
            i2++;
        }
    }

    [Fact]
    public void Write_Stream_FieldsInContractOrder()
    {
        var metadata = new RdbStreamMetadata(
            3, new RdbStreamId(5, 1), new RdbStreamId(1, 0), new RdbStreamId(2, 0), 4,
            [
                new RdbStreamGroup("g1"u8.ToArray(), new RdbStreamId(5, 1), 3,
                    [new RdbStreamPendingEntry(new RdbStreamId(1, 0), 10, 1, "c1"u8.ToArray())],
                    [new RdbStreamConsumer("c1"u8.ToArray(), 10, 11, [new RdbStreamId(1, 0)]), new RdbStreamConsumer("c2"u8.ToArray(), 12, null, [])]),
            ]);
        var text = Render(null,
            Start(RdbValueType.Stream, RdbEncoding.StreamListpacks2),
            new RdbStreamEntriesChunk(0, false, [new RdbStreamEntry(new RdbStreamId(1, 0), [new("f"u8.ToArray(), "v"u8.ToArray())])]),
            new RdbStreamEntriesChunk(1, true, [new RdbStreamEntry(new RdbStreamId(5, 1), [new("a"u8.ToArray(), "1"u8.ToArray()), new("b"u8.ToArray(), [0xfe])])]),
            metadata,
            End(2));

        Assert.Equal(
            "{\"db\":3,\"key\":\"k\",\"type\":\"stream\",\"value\":{\"length\":3,\"last_id\":\"5-1\"," +
            "\"entries\":[[\"1-0\",[[\"f\",\"v\"]]],[\"5-1\",[[\"a\",\"1\"],[\"b\",{\"b64\":\"/g==\"}]]]]," +
            "\"groups\":[{\"name\":\"g1\",\"last_delivered_id\":\"5-1\",\"pending\":1,\"consumers\":[{\"name\":\"c1\",\"pending\":1},{\"name\":\"c2\",\"pending\":0}]}]}}\n",
            text);
    }

    [Fact]
    public void Write_EmptyStreamWithExpiry_EmptyEntriesAndGroups()
    {
        var text = Render(null,
            Start(RdbValueType.Stream, RdbEncoding.StreamListpacks3, expireAt: 9),
            new RdbStreamEntriesChunk(0, true, []),
            new RdbStreamMetadata(0, new RdbStreamId(0, 0), default, default, 0, []),
            End(0));

        Assert.Equal("{\"db\":3,\"key\":\"k\",\"type\":\"stream\",\"value\":{\"length\":0,\"last_id\":\"0-0\",\"entries\":[],\"groups\":[]},\"expire_at_ms\":9}\n", text);
    }

    [Fact]
    public void Write_ModuleValue_ModuleName()
    {
        var text = Render(null, Start(RdbValueType.Module, RdbEncoding.Module2), new RdbModuleValue("ReJSON-RL", 12345, 100), End(0));

        Assert.Equal("{\"db\":3,\"key\":\"k\",\"type\":\"module\",\"value\":{\"module\":\"ReJSON-RL\"}}\n", text);
    }

    [Fact]
    public void Write_Prefix_WrittenFirst()
    {
        var options = new KeyJsonWriterOptions { WritePrefix = (w, start) => w.WriteString("kind", "snapshot") };

        var text = Render(options, Start(RdbValueType.String, RdbEncoding.String), new RdbStringChunk(0, true, 0, "12"u8.ToArray()), End(2));

        Assert.Equal("{\"kind\":\"snapshot\",\"db\":3,\"key\":\"k\",\"type\":\"string\",\"value\":\"12\"}\n", text);
    }

    [Theory]
    [InlineData(false, 1 << 20)]
    [InlineData(true, 1 << 20)]
    [InlineData(false, 100)]
    [InlineData(true, 100)]
    public void Write_StringInParts_ReassembledWhateverTheSplit(bool invalidUtf8, int spillThreshold)
    {
        // 3-byte and 4-byte characters cut across part boundaries; parts of 7 bytes.
        var value = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("x€😀yz", 300)));
        if (invalidUtf8)
        {
            value[^500] = 0xff;
        }

        var records = new List<RdbRecord> { Start(RdbValueType.String, RdbEncoding.String) };
        for (int offset = 0, index = 0; offset < value.Length; offset += 7, index++)
        {
            var part = value.AsSpan(offset, Math.Min(7, value.Length - offset)).ToArray();
            records.Add(new RdbStringChunk(index, offset + 7 >= value.Length, offset, part));
        }

        records.Add(End(value.Length));
        var options = new KeyJsonWriterOptions { SpillThresholdBytes = spillThreshold, FlushThresholdBytes = 64 };

        var line = Assert.Single(Lines(Render(options, [.. records])));

        var parsed = line.RootElement.GetProperty("value");
        Assert.Equal(invalidUtf8 ? JsonValueKind.Object : JsonValueKind.String, parsed.ValueKind);
        Assert.Equal(value, JsonBytes.ReadValue(parsed));
    }

    [Fact]
    public void Write_BigList_OutputWrittenBeforeKeyEnds()
    {
        var output = new MemoryStream();
        using var writer = new KeyJsonWriter(output, new KeyJsonWriterOptions { FlushThresholdBytes = 4096 });
        writer.Write(Start(RdbValueType.List, RdbEncoding.ListQuicklist2));
        var item = new byte[100];
        item.AsSpan().Fill((byte)'a');
        for (var i = 0; i < 100; i++)
        {
            writer.Write(new RdbListChunk(i, false, Enumerable.Repeat(item, 100).ToArray()));

            // Never more than the threshold plus one chunk is held back.
            Assert.True(output.Length >= (i + 1) * 100L * 103 - 4096 - (100 * 103), $"only {output.Length} bytes out after chunk {i}");
        }

        writer.Write(new RdbListChunk(100, true, []));
        writer.Write(End(10_000));
        writer.Flush();

        var line = Assert.Single(Lines(Encoding.UTF8.GetString(output.ToArray())));
        Assert.Equal(10_000, line.RootElement.GetProperty("value").GetArrayLength());
    }

    [Fact]
    public void Abandon_InsideKey_KeepsOnlyCompleteLines()
    {
        var output = new MemoryStream();
        using var writer = new KeyJsonWriter(output);
        writer.Write(Start(RdbValueType.String, RdbEncoding.String));
        writer.Write(new RdbStringChunk(0, true, 0, "v"u8.ToArray()));
        writer.Write(End(1));
        writer.Write(Start(RdbValueType.List, RdbEncoding.ListQuicklist2));
        writer.Write(new RdbListChunk(0, false, ["a"u8.ToArray()]));

        writer.Abandon();

        Assert.Equal("{\"db\":3,\"key\":\"k\",\"type\":\"string\",\"value\":\"v\"}\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.False(writer.InKey);
    }

    [Fact]
    public void WriteLine_BetweenKeys_OwnLine()
    {
        var output = new MemoryStream();
        using (var writer = new KeyJsonWriter(output))
        {
            writer.WriteLine(w =>
            {
                w.WriteStartObject();
                w.WriteString("kind", "control");
                w.WriteEndObject();
            });
            writer.Write(Start(RdbValueType.String, RdbEncoding.String));
            writer.Write(new RdbStringChunk(0, true, 0, "v"u8.ToArray()));
            writer.Write(End(1));
            writer.Flush();
            Assert.Equal(1, writer.KeysWritten);
        }

        Assert.Equal("{\"kind\":\"control\"}\n{\"db\":3,\"key\":\"k\",\"type\":\"string\",\"value\":\"v\"}\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    private static RdbKeyStart Start(RdbValueType type, RdbEncoding encoding, long? expireAt = null) =>
        new(3, Key, type, encoding, expireAt, null, null);

    private static RdbKeyEnd End(long count) => new(3, Key, count);

    private static string Render(KeyJsonWriterOptions? options, params RdbRecord[] records)
    {
        var output = new MemoryStream();
        using (var writer = new KeyJsonWriter(output, options))
        {
            foreach (var record in records)
            {
                Assert.True(writer.Write(record));
            }

            writer.Flush();
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static List<JsonDocument> Lines(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return [.. text.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l))];
    }
}
