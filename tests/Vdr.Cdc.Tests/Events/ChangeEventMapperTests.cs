using System.Text;
using Vdr.Cdc.Events;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Keys;
using Vdr.Cdc.Pipeline;
using Vdr.Cdc.Routing;
using Vdr.Cdc.Tests.Keys;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Tests.Events;

public sealed class ChangeEventMapperTests
{
    private readonly TopicRouter _router = new("p");
    private readonly List<OutgoingRecord> _out = [];

    [Fact]
    public void MapCommand_SingleKey_UpsertWithWholeCommand()
    {
        var mapper = Mapper();
        mapper.MapCommand(Cmd("set k v PXAT 99", offset: 100, end: 140, db: 2), inTransaction: false, _out);
        var record = Assert.Single(_out);
        Assert.Equal("p.db2", record.Topic);
        Assert.Equal("k"u8.ToArray(), record.Key);
        var e = record.Event!;
        Assert.Equal(Op.Upsert, e.Op);
        Assert.Equal("SET", e.Command.Name);
        Assert.Equal(["k", "v", "PXAT", "99"], e.Command.Args.Select(a => a.ToStringUtf8()));
        Assert.Equal(KeyRole.Key, e.Command.KeyRole);
        Assert.Equal(0, e.Command.KeyArgIndex);
        Assert.Equal(100, e.Source.Offset);
        Assert.Equal(140, e.Source.EndOffset);
        Assert.Equal(2, e.Source.Db);
        Assert.Equal("rid", e.Source.ReplicationId);
        Assert.Equal(SnapshotMarker.False, e.Source.Snapshot);
        Assert.Equal(7ul, e.Source.SnapshotEpoch);
        Assert.Equal("conn", e.Source.Connector);
    }

    [Fact]
    public void MapCommand_Del_SplitIntoDeletesWithTombstones()
    {
        Mapper().MapCommand(Cmd("DEL a b"), false, _out);
        Assert.Equal(4, _out.Count);
        Assert.Equal(Op.Delete, _out[0].Event!.Op);
        Assert.Equal(["a"], _out[0].Event!.Command.Args.Select(a => a.ToStringUtf8()));
        Assert.True(_out[0].Event!.Command.Split);
        Assert.True(_out[1].IsTombstone);
        Assert.Equal("a"u8.ToArray(), _out[1].Key);
        Assert.Equal(1u, _out[2].Event!.Source.Index);
        Assert.Equal("b"u8.ToArray(), _out[3].Key);
        Assert.True(_out[3].IsTombstone);
    }

    [Fact]
    public void MapCommand_UnlinkWithoutTombstones_OnlyDeletes()
    {
        Mapper(new EventOptions { Tombstones = false }).MapCommand(Cmd("UNLINK a b"), false, _out);
        Assert.Equal(2, _out.Count);
        Assert.All(_out, r => Assert.Equal(Op.Delete, r.Event!.Op));
    }

    [Fact]
    public void MapCommand_Mset_SplitPerKeyWithItsValue()
    {
        Mapper().MapCommand(Cmd("MSET a 1 b 2"), false, _out);
        Assert.Equal(2, _out.Count);
        Assert.Equal(["a", "1"], _out[0].Event!.Command.Args.Select(a => a.ToStringUtf8()));
        Assert.Equal(["b", "2"], _out[1].Event!.Command.Args.Select(a => a.ToStringUtf8()));
        Assert.All(_out, r => Assert.Equal(Op.Upsert, r.Event!.Op));
        Assert.Equal([0u, 1u], _out.Select(r => r.Event!.Source.Index));
    }

    [Fact]
    public void MapCommand_Rename_SourceDeletedDestinationUpserted()
    {
        Mapper().MapCommand(Cmd("RENAME a b"), false, _out);
        Assert.Equal(3, _out.Count);
        Assert.Equal((Op.Delete, KeyRole.Source), (_out[0].Event!.Op, _out[0].Event!.Command.KeyRole));
        Assert.True(_out[1].IsTombstone);
        Assert.Equal((Op.Upsert, KeyRole.Destination), (_out[2].Event!.Op, _out[2].Event!.Command.KeyRole));
        Assert.Equal(1, _out[2].Event!.Command.KeyArgIndex);
        Assert.Equal(["a", "b"], _out[2].Event!.Command.Args.Select(a => a.ToStringUtf8()));
    }

    [Theory]
    [InlineData("LMOVE a b LEFT RIGHT", "a:Source:True,b:Destination:True")]
    [InlineData("SMOVE a b m", "a:Source:True,b:Destination:True")]
    [InlineData("SUNIONSTORE d a b", "d:Destination:True,a:Source:False,b:Source:False")]
    [InlineData("ZUNIONSTORE d 2 a b", "d:Destination:True,a:Source:False,b:Source:False")]
    [InlineData("BITOP AND d a b", "d:Destination:True,a:Source:False,b:Source:False")]
    [InlineData("PFMERGE d a", "d:Destination:True,a:Source:False")]
    [InlineData("SORT s STORE d", "s:Source:False,d:Destination:True")]
    [InlineData("COPY a b", "a:Source:False,b:Destination:True")]
    public void MapCommand_InteractingKeys_OneEventPerKeyWithRole(string command, string expected)
    {
        Mapper().MapCommand(Cmd(command), false, _out);
        Assert.Equal(expected, string.Join(",", _out.Select(r => $"{Encoding.UTF8.GetString(r.Key!)}:{r.Event!.Command.KeyRole}:{r.Event.Command.KeyWritten}")));
        Assert.All(_out, r => Assert.Equal(Op.Upsert, r.Event!.Op));
        Assert.All(_out, r => Assert.False(r.Event!.Command.Split));
    }

    [Fact]
    public void MapCommand_CopyToOtherDb_DestinationOnThatDbTopic()
    {
        Mapper().MapCommand(Cmd("COPY a b DB 5", db: 1), false, _out);
        Assert.Equal(["p.db1", "p.db5"], _out.Select(r => r.Topic));
        Assert.Equal(5, _out[1].Event!.Source.Db);
    }

    [Fact]
    public void MapCommand_Move_DeleteInSourceDbUpsertInTarget()
    {
        Mapper().MapCommand(Cmd("MOVE k 3", db: 0), false, _out);
        Assert.Equal(3, _out.Count);
        Assert.Equal(("p.db0", Op.Delete), (_out[0].Topic, _out[0].Event!.Op));
        Assert.True(_out[1].IsTombstone);
        Assert.Equal(("p.db3", Op.Upsert, KeyRole.Destination), (_out[2].Topic, _out[2].Event!.Op, _out[2].Event!.Command.KeyRole));
    }

    [Fact]
    public void MapCommand_FlushDb_TruncateOnEveryPartitionOfTheDbTopics()
    {
        Mapper().MapCommand(Cmd("FLUSHDB", db: 4), false, _out);
        var record = Assert.Single(_out);
        Assert.True(record.AllPartitions);
        Assert.Equal("p.db4", record.Topic);
        Assert.Equal(Op.Truncate, record.Event!.Op);
        Assert.Equal(-1, record.Event!.Command.KeyArgIndex);
    }

    [Fact]
    public void MapCommand_FlushAll_TruncateOnEveryKnownTopic()
    {
        var mapper = Mapper();
        mapper.MapCommand(Cmd("SET a 1", db: 0), false, _out);
        mapper.MapCommand(Cmd("SET a 1", db: 2), false, _out);
        _out.Clear();
        mapper.MapCommand(Cmd("FLUSHALL", db: 0), false, _out);
        Assert.Equal(["p.db0", "p.db2"], _out.Select(r => r.Topic).Order());
        Assert.All(_out, r => Assert.True(r.AllPartitions && r.Event!.Op == Op.Truncate));
    }

    [Fact]
    public void MapCommand_SwapDb_ControlOnBothDbTopics()
    {
        Mapper().MapCommand(Cmd("SWAPDB 0 1"), false, _out);
        Assert.Equal(["p.db0", "p.db1"], _out.Select(r => r.Topic));
        Assert.All(_out, r => Assert.Equal((Op.Control, ControlKind.SwapDb), (r.Event!.Op, r.Event.Control.Kind)));
        Assert.Equal([0, 1], _out[0].Event!.Control.Dbs);
    }

    [Fact]
    public void MapCommand_FunctionLoad_Control()
    {
        Mapper().MapCommand(Cmd("FUNCTION LOAD code"), false, _out);
        var record = Assert.Single(_out);
        Assert.Equal((Op.Control, ControlKind.Function), (record.Event!.Op, record.Event.Control.Kind));
        Assert.Equal(["LOAD", "code"], record.Event.Command.Args.Select(a => a.ToStringUtf8()));
    }

    [Fact]
    public void MapCommand_PublishAndSentinelHello_FilteredByDefault()
    {
        Mapper().MapCommand(Cmd("PUBLISH ch hi"), false, _out);
        Mapper().MapCommand(Cmd("PUBLISH __sentinel__:hello x"), false, _out);
        Assert.Empty(_out);
        Mapper(new EventOptions { IncludePubSub = true }).MapCommand(Cmd("PUBLISH __sentinel__:hello x"), false, _out);
        Assert.Empty(_out);
        Mapper(new EventOptions { IncludePubSub = true }).MapCommand(Cmd("PUBLISH ch hi"), false, _out);
        Assert.Equal(ControlKind.Publish, Assert.Single(_out).Event!.Control.Kind);
    }

    [Fact]
    public void MapCommand_UnknownModuleCommand_FirstArgumentIsTheKey()
    {
        var mapper = Mapper();
        mapper.MapCommand(Cmd("JSON.SET doc $ 1"), true, _out);
        var record = Assert.Single(_out);
        Assert.Equal("doc"u8.ToArray(), record.Key);
        Assert.True(record.Event!.Command.InTransaction);
        Assert.Equal(1, mapper.UnknownCommands);
    }

    [Fact]
    public void MapSnapshot_ChunkedKey_ReadEventsKeepChunkIndexAndLastFlag()
    {
        var mapper = Mapper();
        mapper.BeginSnapshot("rid2", 500, _out);
        Assert.Equal(ControlKind.SnapshotBegin, Assert.Single(_out).Event!.Control.Kind);
        Assert.Equal(SnapshotMarker.First, _out[0].Event!.Source.Snapshot);
        _out.Clear();
        mapper.MapSnapshot(new RdbKeyStart(1, "L"u8.ToArray(), RdbValueType.List, RdbEncoding.ListQuicklist2, 1234, null, null), _out);
        mapper.MapSnapshot(new RdbListChunk(0, false, ["a"u8.ToArray(), "b"u8.ToArray()]), _out);
        mapper.MapSnapshot(new RdbListChunk(1, true, ["c"u8.ToArray()]), _out);
        mapper.MapSnapshot(new RdbKeyEnd(1, "L"u8.ToArray(), 3), _out);
        mapper.MapSnapshot(new RdbKeyStart(0, "h"u8.ToArray(), RdbValueType.Hash, RdbEncoding.HashListpackEx, null, null, null), _out);
        mapper.MapSnapshot(new RdbHashChunk(0, true, [new RdbHashField("f"u8.ToArray(), "v"u8.ToArray(), 99)]), _out);
        mapper.MapSnapshot(new RdbKeyEnd(0, "h"u8.ToArray(), 1), _out);
        mapper.EndSnapshot(_out);

        // SNAPSHOT_BEGIN for the new topic p.db1 before its first READ.
        Assert.Equal("p.db1", _out[0].Topic);
        Assert.Equal(ControlKind.SnapshotBegin, _out[0].Event!.Control.Kind);
        var reads = _out.Where(r => r.Event!.Op == Op.Read).ToList();
        Assert.Equal(3, reads.Count);
        Assert.Equal([(0u, false), (1u, true), (0u, true)], reads.Select(r => (r.Event!.ChunkIndex, r.Event.LastChunk)));
        Assert.Equal(["a", "b"], reads[0].Event!.ListValue.Items.Select(i => i.ToStringUtf8()));
        Assert.Equal(1234, reads[0].Event!.ExpireAtMs);
        Assert.False(reads[2].Event!.HasExpireAtMs);
        Assert.Equal(99, reads[2].Event!.HashValue.Fields[0].ExpireAtMs);
        Assert.Equal([0u, 1u, 2u], reads.Select(r => r.Event!.Source.Index));
        Assert.All(reads, r => Assert.Equal((500L, "rid2", SnapshotMarker.True), (r.Event!.Source.Offset, r.Event.Source.ReplicationId, r.Event.Source.Snapshot)));
        var ends = _out.Where(r => r.Event!.Control?.Kind == ControlKind.SnapshotEnd).ToList();
        Assert.Equal(["p.db0", "p.db1"], ends.Select(r => r.Topic).Order());
        Assert.All(ends, r => Assert.Equal((2ul, SnapshotMarker.Last, true), (r.Event!.Control.KeyCount, r.Event.Source.Snapshot, r.AllPartitions)));
    }

    [Fact]
    public void MapSnapshot_Stream_EntriesThenMetadataAsLastChunk()
    {
        var mapper = Mapper();
        mapper.BeginSnapshot("r", 0, _out);
        _out.Clear();
        mapper.MapSnapshot(new RdbKeyStart(0, "s"u8.ToArray(), RdbValueType.Stream, RdbEncoding.StreamListpacks3, null, null, null), _out);
        mapper.MapSnapshot(new RdbStreamEntriesChunk(0, true, [new RdbStreamEntry(new RdbStreamId(1, 2), [new("f"u8.ToArray(), "v"u8.ToArray())])]), _out);
        mapper.MapSnapshot(new RdbStreamMetadata(1, new RdbStreamId(1, 2), new RdbStreamId(1, 2), default, 1, []), _out);
        Assert.Equal(2, _out.Count);
        Assert.False(_out[0].Event!.LastChunk);
        Assert.Equal(2ul, _out[0].Event!.StreamValue.Entries[0].Id.Seq);
        Assert.True(_out[1].Event!.LastChunk);
        Assert.Equal(1ul, _out[1].Event!.StreamValue.Metadata.Length);
    }

    private ChangeEventMapper Mapper(EventOptions? options = null) =>
        new(_router, BuiltInKeyTable.Table, options ?? new EventOptions(), "conn", "127.0.0.1:1") { ReplicationId = "rid", SnapshotEpoch = 7 };

    private static SourceMessage.Command Cmd(string command, long offset = 10, long end = 20, int db = 0) =>
        new(db, KeyExtractionTests.Args(command), offset, new SourcePosition("rid", end, db));
}
