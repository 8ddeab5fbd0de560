using System.Buffers.Binary;
using System.IO.Pipelines;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Rdb.Encodings;
using Vdr.RedisStream.Tests.Rdb.Support;

namespace Vdr.RedisStream.Tests.Rdb;

[Collection(MemoryMeasurementCollection.Name)]
public class RdbMemoryTests
{
    [Fact]
    public async Task Read_BigListStreamedThroughPipe_LiveMemoryStaysBounded()
    {
        // A list of 2,000,000 elements (about 40 MB of RDB), generated on the fly into a default Pipe (which pauses
        // its writer at 64 KiB), so neither side ever holds the file. Live managed memory must not grow with it.
        const int nodes = 4000;
        const int perNode = 500;
        var node = new RdbBuilder().Len(2).Str(CompactBuilders.Listpack(Enumerable.Range(0, perNode).Select(i => Element.S($"element-{i:D8}")))).ToArray();
        var pipe = new Pipe();
        var writer = Task.Run(async () =>
        {
            ulong crc = 0;
            async Task WriteAsync(byte[] bytes)
            {
                crc = Crc64.Update(crc, bytes);
                await pipe.Writer.WriteAsync(bytes);
            }

            await WriteAsync(new RdbBuilder().Header(10).SelectDb(0).Key(18, "biglist").Len(nodes).ToArray());
            for (var n = 0; n < nodes; n++)
            {
                await WriteAsync(node);
            }

            await WriteAsync([0xFF]);
            var trailer = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(trailer, crc);
            await pipe.Writer.WriteAsync(trailer);
            await pipe.Writer.CompleteAsync();
        });

        // Growth above what the process already holds (other tests' static caches live in the same process).
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long elements = 0;
        long maxLive = 0;
        var chunks = 0;
        await using (var reader = new RdbReader(pipe.Reader))
        {
            var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (await reader.ReadAsync(timeout.Token))
            {
                if (reader.Current is RdbListChunk chunk)
                {
                    elements += chunk.Items.Count;
                    if (++chunks % 50 == 0)
                    {
                        maxLive = Math.Max(maxLive, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                    }
                }
                else if (reader.Current is RdbEnd end)
                {
                    Assert.True(end.ChecksumVerified);
                }
            }
        }

        await writer;
        Assert.Equal((long)nodes * perNode, elements);
        Assert.True(chunks >= nodes * perNode / 4096);
        Assert.True(maxLive < 32L << 20, $"live managed memory grew by {maxLive / 1048576.0:F1} MB while streaming");
    }
}
