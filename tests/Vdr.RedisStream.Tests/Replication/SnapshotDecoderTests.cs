using System.Buffers.Binary;
using System.IO.Pipelines;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Rdb.Encodings;
using Vdr.RedisStream.Replication;
using Vdr.RedisStream.Tests.Rdb.Support;

namespace Vdr.RedisStream.Tests.Replication;

public class SnapshotDecoderTests
{
    [Fact]
    public async Task ReadBatches_WholePayloadAlreadyBuffered_BatchesBoundedByDecodedSizeAndCount()
    {
        // 400 quicklist nodes of 200 elements, all in the pipe before decoding starts: no record ever waits for the
        // network, so only the size and count limits end a batch (the bound on what waits in the client's channel).
        const int nodes = 400;
        const int perNode = 200;
        var node = new RdbBuilder().Len(2).Str(CompactBuilders.Listpack(Enumerable.Range(0, perNode).Select(i => Element.S(new string('v', 90) + i.ToString("D6"))))).ToArray();
        var rdb = new MemoryStream();
        rdb.Write(new RdbBuilder().Header(10).SelectDb(0).Key(18, "biglist").Len(nodes).ToArray());
        for (var n = 0; n < nodes; n++)
        {
            rdb.Write(node);
        }

        rdb.WriteByte(0xFF);
        var trailer = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, Crc64.Update(0, rdb.ToArray()));
        rdb.Write(trailer);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await pipe.Writer.WriteAsync(rdb.ToArray());
        await pipe.Writer.CompleteAsync();

        long elements = 0;
        var batches = 0;
        await foreach (var (batch, _) in SnapshotDecoder.ReadBatchesAsync(pipe.Reader, new RdbReaderOptions { MaxChunkElements = 1000 }, CancellationToken.None))
        {
            batches++;
            Assert.InRange(batch.Count, 1, SnapshotDecoder.MaxRecords);
            var allButLast = batch.Take(batch.Count - 1).Sum(RdbRecordSize.Estimate);
            Assert.True(allButLast < SnapshotDecoder.MaxBatchBytes, $"a batch held {allButLast:N0} bytes before its last record");
            elements += batch.OfType<RdbListChunk>().Sum(c => c.Items.Count);
        }

        Assert.Equal(nodes * perNode, elements);
        Assert.True(batches >= 40, $"{batches} batches for 80 chunks of about 128 KB each");
    }
}
