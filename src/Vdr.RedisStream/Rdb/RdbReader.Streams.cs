using System.Buffers.Binary;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Rdb;

// Streams (types 15, 19, 21): listpack nodes of entries, then metadata and consumer groups.
public sealed partial class RdbReader
{
    private async IAsyncEnumerable<RdbRecord> ReadStreamAsync(RdbEncoding encoding)
    {
        var nodes = await ReadLengthAsync("stream node count").ConfigureAwait(false);
        var chunk = new ChunkBuffer<RdbStreamEntry>(_options);
        chunk.Begin((int)Math.Min(nodes * 100, 1024));
        for (ulong n = 0; n < nodes; n++)
        {
            var idOffset = BytesConsumed;
            var masterKey = await ReadStringAsync("stream node master id").ConfigureAwait(false);
            if (masterKey.Length != 16)
            {
                Fail($"stream node master id is {masterKey.Length} bytes, expected 16", idOffset);
            }

            var master = new RdbStreamId(BinaryPrimitives.ReadUInt64BigEndian(masterKey), BinaryPrimitives.ReadUInt64BigEndian(masterKey.AsSpan(8)));
            var (block, context) = await ReadBlobAsync("stream node listpack").ConfigureAwait(false);
            try
            {
                var node = StreamNode.Open(block.Span, master, context);
                while (node.Fill(block.Span, context, chunk, ref _valueElements, out var pending) == StreamNode.FillState.Full)
                {
                    yield return new RdbStreamEntriesChunk(chunk.Index, false, chunk.Take());
                    chunk.Add(pending, pending.Fields.Count * 16);
                    _valueElements++;
                }
            }
            finally
            {
                block.Release();
            }
        }

        yield return new RdbStreamEntriesChunk(chunk.Index, true, chunk.TakeLast());
        yield return await ReadStreamMetadataAsync(encoding).ConfigureAwait(false);
    }

    private async ValueTask<RdbStreamId> ReadLengthIdAsync(string what)
    {
        var ms = await ReadLengthAsync(what).ConfigureAwait(false);
        var seq = await ReadLengthAsync(what).ConfigureAwait(false);
        return new RdbStreamId(ms, seq);
    }

    private async ValueTask<RdbStreamMetadata> ReadStreamMetadataAsync(RdbEncoding encoding)
    {
        var v2 = encoding != RdbEncoding.StreamListpacks;
        var v3 = encoding == RdbEncoding.StreamListpacks3;
        var length = await ReadLengthAsync("stream length").ConfigureAwait(false);
        var lastId = await ReadLengthIdAsync("stream last id").ConfigureAwait(false);
        RdbStreamId firstId = default;
        RdbStreamId maxDeleted = default;
        ulong entriesAdded = length;
        if (v2)
        {
            firstId = await ReadLengthIdAsync("stream first id").ConfigureAwait(false);
            maxDeleted = await ReadLengthIdAsync("stream max deleted entry id").ConfigureAwait(false);
            entriesAdded = await ReadLengthAsync("stream entries added").ConfigureAwait(false);
        }

        var groupCount = await ReadLengthAsync("stream consumer group count").ConfigureAwait(false);
        var groups = new List<RdbStreamGroup>((int)Math.Min(groupCount, 64));
        for (ulong g = 0; g < groupCount; g++)
        {
            var name = await ReadStringAsync("consumer group name").ConfigureAwait(false);
            var lastDelivered = await ReadLengthIdAsync("consumer group last delivered id").ConfigureAwait(false);
            long? entriesRead = null;
            if (v2)
            {
                entriesRead = unchecked((long)await ReadLengthAsync("consumer group entries read").ConfigureAwait(false));
            }

            var pelCount = await ReadLengthAsync("consumer group pending entries count").ConfigureAwait(false);
            var pel = new List<(RdbStreamId Id, long DeliveryTime, ulong DeliveryCount)>((int)Math.Min(pelCount, 1024));
            var pelIndex = new Dictionary<RdbStreamId, int>((int)Math.Min(pelCount, 1024));
            for (ulong p = 0; p < pelCount; p++)
            {
                var offset = BytesConsumed;
                var id = await ReadRawStreamIdAsync("pending entry id").ConfigureAwait(false);
                var deliveryTime = await ReadInt64Async("pending entry delivery time").ConfigureAwait(false);
                var deliveryCount = await ReadLengthAsync("pending entry delivery count").ConfigureAwait(false);
                if (!pelIndex.TryAdd(id, pel.Count))
                {
                    Fail($"duplicate pending entry {id} in consumer group", offset);
                }

                pel.Add((id, deliveryTime, deliveryCount));
            }

            var owners = new byte[]?[pel.Count];
            var consumerCount = await ReadLengthAsync("consumer count").ConfigureAwait(false);
            var consumers = new List<RdbStreamConsumer>((int)Math.Min(consumerCount, 64));
            for (ulong c = 0; c < consumerCount; c++)
            {
                var consumerName = await ReadStringAsync("consumer name").ConfigureAwait(false);
                var seen = await ReadInt64Async("consumer seen time").ConfigureAwait(false);
                long? active = v3 ? await ReadInt64Async("consumer active time").ConfigureAwait(false) : null;
                var ownCount = await ReadLengthAsync("consumer pending entries count").ConfigureAwait(false);
                var own = new List<RdbStreamId>((int)Math.Min(ownCount, 1024));
                for (ulong p = 0; p < ownCount; p++)
                {
                    var offset = BytesConsumed;
                    var id = await ReadRawStreamIdAsync("consumer pending entry id").ConfigureAwait(false);
                    if (!pelIndex.TryGetValue(id, out var index))
                    {
                        Fail($"consumer pending entry {id} is not in the group's pending entries list", offset);
                    }

                    owners[index] = consumerName;
                    own.Add(id);
                }

                consumers.Add(new RdbStreamConsumer(consumerName, seen, active, own));
            }

            var pending = new List<RdbStreamPendingEntry>(pel.Count);
            for (var i = 0; i < pel.Count; i++)
            {
                pending.Add(new RdbStreamPendingEntry(pel[i].Id, pel[i].DeliveryTime, pel[i].DeliveryCount, owners[i]));
            }

            groups.Add(new RdbStreamGroup(name, lastDelivered, entriesRead, pending, consumers));
        }

        return new RdbStreamMetadata(length, lastId, firstId, maxDeleted, entriesAdded, groups);
    }
}
