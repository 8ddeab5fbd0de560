using Vdr.Cdc.Events;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.SchemaRegistry;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Tests.SchemaRegistry;

public sealed class SchemaRegistryEventSerializerTests
{
    [Fact]
    public async Task PrepareTopicAsync_RegistersImportsThenValueSubjectOnce_SerializeFramesWithTheId()
    {
        using var registry = new FakeSchemaRegistry();
        using var serializer = new SchemaRegistryEventSerializer(new SchemaRegistryOptions { Url = registry.Url });

        await serializer.PrepareTopicAsync("p.db0", CancellationToken.None);
        await serializer.PrepareTopicAsync("p.db0", CancellationToken.None);
        await serializer.PrepareTopicAsync("p.db1", CancellationToken.None);

        var schemas = registry.Schemas;
        var value = Assert.Single(schemas, s => s.Subject == "p.db0-value");
        Assert.Contains("message ChangeEvent", value.Schema, StringComparison.Ordinal);
        Assert.StartsWith("//", value.Schema, StringComparison.Ordinal);
        var references = value.References!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["vdr/cdc/v1/command.proto", "vdr/cdc/v1/control.proto", "vdr/cdc/v1/snapshot_value.proto", "vdr/cdc/v1/source.proto"], references);
        Assert.All(references, r => Assert.Contains(schemas, s => s.Subject == r));
        Assert.Contains(schemas, s => s.Subject == "p.db1-value" && s.Id == value.Id);

        // Each subject is registered once: the second PrepareTopicAsync is served from the cache.
        Assert.Single(registry.Requests, r => r == "POST /subjects/p.db0-value/versions");

        var change = new ChangeEvent { Op = Op.Upsert, Key = Google.Protobuf.ByteString.CopyFromUtf8("k") };
        var bytes = serializer.Serialize("p.db0", change);
        Assert.Equal(new byte[] { 0, (byte)(value.Id >> 24), (byte)(value.Id >> 16), (byte)(value.Id >> 8), (byte)value.Id, 0 }, bytes[..6]);
        Assert.Equal(change, ChangeEvent.Parser.ParseFrom(bytes.AsSpan(6)));

        // A snapshot READ event written directly gets the same framing, in a reused buffer that starts too small.
        var read = new SnapshotReadEvent(new SnapshotSource("rid", 42, "c", "s", 3), new RdbKeyStart(0, "k"u8.ToArray(), RdbValueType.List, RdbEncoding.ListQuicklist2, null, null, null),
            new RdbListChunk(0, true, ["a"u8.ToArray(), "b"u8.ToArray()]), 0, 0, true, 1);
        var buffer = new byte[4];
        var length = serializer.Serialize("p.db1", read, ref buffer);
        Assert.Equal(6 + read.CalculateSize(), length);
        Assert.Equal(bytes[..6], buffer[..6]);
        Assert.Equal(read.ToChangeEvent(), ChangeEvent.Parser.ParseFrom(buffer.AsSpan(6, length - 6)));
    }
}
