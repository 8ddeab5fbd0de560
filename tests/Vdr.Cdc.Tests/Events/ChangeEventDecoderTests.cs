using Google.Protobuf;
using Vdr.Cdc.Events.Consuming;
using Vdr.Cdc.Events.Framing;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Tests.Events;

public sealed class ChangeEventDecoderTests
{
    private static readonly RecordLocation At = new("redis.db0", 3, 42);

    // ChangeEvent { source { offset: 5 }, op: UPSERT, key: "k" }, hand-encoded:
    // 0a 02 | 10 05   field 1 (source), 2 bytes: field 2 (offset) varint 5
    // 10 02           field 2 (op) varint 2 (OP_UPSERT)
    // 1a 01 6b        field 3 (key) 1 byte "k"
    private static readonly byte[] Upsert = [0x0a, 0x02, 0x10, 0x05, 0x10, 0x02, 0x1a, 0x01, 0x6b];

    [Fact]
    public void Decode_RawProtobuf_ReadsTheEventAndItsPosition()
    {
        var record = ChangeEventDecoder.Decode(At, "k"u8.ToArray(), Upsert);

        Assert.Equal(ValueFraming.Protobuf, record.Framing);
        Assert.Equal(Op.Upsert, record.Event!.Op);
        Assert.Equal("k", record.Event.Key.ToStringUtf8());
        Assert.Equal(new EventPosition(0, 5, EventPhase.Stream, 0), record.Position);
        Assert.Null(record.SchemaId);
        Assert.Same(Upsert, record.Value);
    }

    [Fact]
    public void Decode_SchemaRegistryFraming_SkipsTheHeaderAndKeepsTheSchemaId()
    {
        // magic 0, schema id 7 (big-endian), message-index array [0] written as the single byte 0, then the payload.
        byte[] framed = [0x00, 0x00, 0x00, 0x00, 0x07, 0x00, .. Upsert];

        var record = ChangeEventDecoder.Decode(At, null, framed);

        Assert.Equal(ValueFraming.SchemaRegistry, record.Framing);
        Assert.Equal(7, record.SchemaId);
        Assert.Equal(Op.Upsert, record.Event!.Op);
        Assert.Equal(5, record.Event.Source.Offset);
    }

    [Fact]
    public void Decode_SchemaRegistryFramingOfAnotherMessage_IsNotAChangeEvent()
    {
        // message-index array [1]: count 1 (zig-zag 2), index 1 (zig-zag 2): the second message of the file.
        byte[] framed = [0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x02, .. Upsert];

        var e = Assert.Throws<ChangeEventRecordException>(() => ChangeEventDecoder.Decode(At, null, framed));

        Assert.Equal(RecordProblem.NotAChangeEvent, e.Problem);
        Assert.Contains("[1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NullValue_IsATombstone()
    {
        var record = ChangeEventDecoder.Decode(At, "k"u8.ToArray(), null);

        Assert.True(record.IsTombstone);
        Assert.Equal(ValueFraming.None, record.Framing);
        Assert.False(record.IsCommitMarker);
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })] // a varint tag that never ends
    [InlineData(new byte[] { 0x68, 0x65, 0x6c, 0x6c, 0x6f })] // "hello": parses as stray fields, no source
    [InlineData(new byte[] { 0x00, 0x00, 0x00 })] // magic 0 but a truncated Schema Registry header
    [InlineData(new byte[] { 0x0a, 0x02, 0x10, 0x05 })] // a source but no op
    [InlineData(new byte[] { })] // empty, not null
    public void Decode_Garbage_NotAChangeEventNamingTheRecord(byte[] value)
    {
        var e = Assert.Throws<ChangeEventRecordException>(() => ChangeEventDecoder.Decode(At, null, value));

        Assert.Equal(RecordProblem.NotAChangeEvent, e.Problem);
        Assert.Equal(At, e.Location);
        Assert.StartsWith("topic redis.db0 partition 3 offset 42: not a change event", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x0a, 0x02, 0x10, 0x05, 0x10, 0x09 })] // op 9: an op this reader does not know
    [InlineData(new byte[] { 0x0a, 0x04, 0x10, 0x05, 0x50, 0x02, 0x10, 0x02 })] // source.contract_version (field 10) = 2
    [InlineData(new byte[] { 0x0a, 0x02, 0x10, 0x05, 0x10, 0x05, 0x7a, 0x02, 0x08, 0x63 })] // CONTROL with control.kind 99
    [InlineData(new byte[] { 0x0a, 0x04, 0x10, 0x05, 0x38, 0x09, 0x10, 0x02 })] // source.snapshot (field 7) = 9
    public void Decode_FutureVersion_ReportedAsSuch(byte[] value)
    {
        var e = Assert.Throws<ChangeEventRecordException>(() => ChangeEventDecoder.Decode(At, null, value));

        Assert.Equal(RecordProblem.FutureVersion, e.Problem);
        Assert.Contains("upgrade the consumer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UnknownFieldOnly_IsAcceptedAsACompatibleAddition()
    {
        // field 100 (tag (100 << 3) | 0 = 800 = a0 06) varint 1, appended to a valid event
        byte[] value = [.. Upsert, 0xa0, 0x06, 0x01];

        var record = ChangeEventDecoder.Decode(At, null, value);

        Assert.Equal(Op.Upsert, record.Event!.Op);
    }

    [Fact]
    public void Decode_CommitMarker_IsRecognised()
    {
        var marker = new ChangeEvent
        {
            Source = new Source { Offset = 10, SnapshotEpoch = 1, Snapshot = SnapshotMarker.False },
            Op = Op.Control,
            Control = new Control { Kind = ControlKind.Commit, Topics = { "redis.db0" } },
        };

        var record = ChangeEventDecoder.Decode(At, null, marker.ToByteArray());

        Assert.True(record.IsCommitMarker);
        Assert.Equal(new EventPosition(1, 10, EventPhase.Stream, 0), record.Position);
    }
}
