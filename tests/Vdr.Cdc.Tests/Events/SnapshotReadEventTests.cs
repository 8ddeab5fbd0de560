using Google.Protobuf;
using Vdr.Cdc.Events;
using Vdr.Cdc.Events.V1;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Tests.Events;

/// <summary>
/// The directly written READ events against the generated <see cref="ChangeEvent"/> code: for every chunk kind
/// and the edge cases of the wire format (empty and long elements, zero, negative-zero and NaN scores, expiries,
/// default values that proto3 leaves out), the bytes must be exactly what <see cref="ChangeEvent"/> writes.
/// </summary>
public sealed class SnapshotReadEventTests
{
    private static readonly byte[] Long = [.. Enumerable.Range(0, 20_000).Select(i => (byte)i)];

    public static TheoryData<string> Cases() => [.. CaseTable().Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void WriteTo_SameBytesAsTheGeneratedCode(string name)
    {
        var (chunk, sourceCase, key) = CaseTable()[name];
        foreach (var (source, index, chunkIndex, isLast, ts) in sourceCase)
        {
            var read = new SnapshotReadEvent(source, key, chunk, index, chunkIndex, isLast, ts);
            var expected = Expected(source, key, chunk, index, chunkIndex, isLast, ts).ToByteArray();

            Assert.Equal(expected.Length, read.CalculateSize());
            var written = new byte[read.CalculateSize() + 3];
            read.WriteTo(written);
            Assert.Equal(expected, written[..expected.Length]);
            // (-0.0 is not written, as the generated code does not write it: compare with what a reader gets.)
            Assert.Equal(ChangeEvent.Parser.ParseFrom(expected), read.ToChangeEvent());
        }
    }

    [Fact]
    public void WriteTo_DestinationTooSmall_FailsWithTheSizes()
    {
        var read = new SnapshotReadEvent(Source("rid", 5, "c", "s", 1), Key(0, "k"), new RdbStringChunk(0, true, 0, "v"u8.ToArray()), 0, 0, true, 1);
        var ex = Assert.Throws<ArgumentException>(() => read.WriteTo(new byte[read.CalculateSize() - 1]));
        Assert.Contains($"needs {read.CalculateSize()} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void New_StreamChunk_IsRefused()
    {
        var stream = new RdbStreamEntriesChunk(0, false, []);
        Assert.False(SnapshotReadEvent.Supports(stream));
        Assert.Throws<ArgumentException>(() => new SnapshotReadEvent(Source("rid", 5, "c", "s", 1), Key(0, "k"), stream, 0, 0, false, 1));
    }

    private static Dictionary<string, (RdbRecord Chunk, (SnapshotSource, uint, uint, bool, long)[] Sources, RdbKeyStart Key)> CaseTable()
    {
        // Each chunk is written with several sources: defaults everywhere (proto3 leaves them out), typical values,
        // and values whose varints take more bytes.
        (SnapshotSource, uint, uint, bool, long)[] sources =
        [
            (Source(string.Empty, 0, string.Empty, string.Empty, 0), 0, 0, false, 0),
            (Source("8de7d9f3a1b2c4d5e6f708192a3b4c5d6e7f8091", 1234, "connector", "127.0.0.1:6379", 7), 1, 0, true, 1_764_000_000_000),
            (Source("ü-rid", long.MaxValue, "c", "s", ulong.MaxValue), uint.MaxValue, 300, false, -5),
        ];
        var zero = Key(0, "k");
        var expiring = new RdbKeyStart(15, "key:with:expiry"u8.ToArray(), RdbValueType.Hash, RdbEncoding.HashListpack, 1_764_000_123_456, null, null);
        var negativeExpiry = new RdbKeyStart(3, [], RdbValueType.List, RdbEncoding.ListQuicklist2, -1, null, null);
        return new()
        {
            ["string"] = (new RdbStringChunk(0, true, 0, "value"u8.ToArray()), sources, zero),
            ["string part at an offset"] = (new RdbStringChunk(2, false, 1L << 40, Long), sources, expiring),
            ["empty string"] = (new RdbStringChunk(0, true, 0, []), sources, zero),
            ["list"] = (new RdbListChunk(0, true, [[], "a"u8.ToArray(), Long, [0, 255]]), sources, negativeExpiry),
            ["empty list chunk"] = (new RdbListChunk(1, true, []), sources, zero),
            ["set"] = (new RdbSetChunk(0, false, ["1"u8.ToArray(), [], Long[..200]]), sources, expiring),
            ["sorted set"] = (new RdbSortedSetChunk(0, true,
            [
                new RdbScoredMember("a"u8.ToArray(), 0),
                new RdbScoredMember([], -0.0),
                new RdbScoredMember("n"u8.ToArray(), double.NaN),
                new RdbScoredMember(Long[..128], double.NegativeInfinity),
                new RdbScoredMember("x"u8.ToArray(), 2.5),
            ]), sources, zero),
            ["hash"] = (new RdbHashChunk(0, true,
            [
                new RdbHashField("f"u8.ToArray(), "v"u8.ToArray(), null),
                new RdbHashField([], [], null),
                new RdbHashField("ttl"u8.ToArray(), Long[..16_384], 1_764_000_999_000),
                new RdbHashField("zero-ttl"u8.ToArray(), "v"u8.ToArray(), 0),
            ]), sources, expiring),
        };
    }

    private static SnapshotSource Source(string rid, long offset, string connector, string server, ulong epoch) => new(rid, offset, connector, server, epoch);

    private static RdbKeyStart Key(int db, string key) => new(db, System.Text.Encoding.UTF8.GetBytes(key), RdbValueType.String, RdbEncoding.String, null, null, null);

    /// <summary>The event as the generated classes build it: the reference the direct bytes are held to.</summary>
    private static ChangeEvent Expected(SnapshotSource source, RdbKeyStart key, RdbRecord chunk, uint index, uint chunkIndex, bool isLast, long ts)
    {
        var change = new ChangeEvent
        {
            Source = new Source
            {
                ReplicationId = source.ReplicationId,
                Offset = source.Offset,
                EndOffset = source.Offset,
                Index = index,
                Db = key.Db,
                Connector = System.Text.Encoding.UTF8.GetString(source.ConnectorUtf8),
                Server = System.Text.Encoding.UTF8.GetString(source.ServerUtf8),
                Snapshot = SnapshotMarker.True,
                SnapshotEpoch = source.Epoch,
            },
            Op = Op.Read,
            Key = ByteString.CopyFrom(key.Key),
            ChunkIndex = chunkIndex,
            LastChunk = isLast,
            TsMs = ts,
        };
        if (key.ExpireAtMs is { } at)
        {
            change.ExpireAtMs = at;
        }

        switch (chunk)
        {
            case RdbStringChunk s:
                change.StringValue = new StringValue { Offset = s.Offset, Data = ByteString.CopyFrom(s.Bytes) };
                break;
            case RdbListChunk l:
                change.ListValue = new ListValue();
                change.ListValue.Items.AddRange(l.Items.Select(ByteString.CopyFrom));
                break;
            case RdbSetChunk s:
                change.SetValue = new SetValue();
                change.SetValue.Members.AddRange(s.Members.Select(ByteString.CopyFrom));
                break;
            case RdbSortedSetChunk z:
                change.SortedSetValue = new SortedSetValue();
                change.SortedSetValue.Members.AddRange(z.Members.Select(m => new ScoredMember { Member = ByteString.CopyFrom(m.Member), Score = m.Score }));
                break;
            case RdbHashChunk h:
                change.HashValue = new HashValue();
                foreach (var field in h.Fields)
                {
                    var f = new HashField { Field = ByteString.CopyFrom(field.Field), Value = ByteString.CopyFrom(field.Value) };
                    if (field.ExpireAtMs is { } fieldAt)
                    {
                        f.ExpireAtMs = fieldAt;
                    }

                    change.HashValue.Fields.Add(f);
                }

                break;
        }

        return change;
    }
}
