using System.Buffers;
using System.IO.Pipelines;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Tests.Rdb.Support;

namespace Vdr.RedisStream.Tests.Rdb;

public class RdbReaderPipeTests(RealRedisDumpFixture fixture) : IClassFixture<RealRedisDumpFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(65536)]
    public async Task Read_FromPipeWrittenInPieces_StopsExactlyAtTheChecksum(int pieceSize)
    {
        // A default Pipe pauses its writer at 64 KiB unconsumed: the reader must consume as it goes.
        var pipe = new Pipe();
        var trailer = "+after the RDB\r\n"u8.ToArray();
        var data = fixture.Dump;
        var writer = Task.Run(async () =>
        {
            for (var at = 0; at < data.Length; at += pieceSize)
            {
                await pipe.Writer.WriteAsync(data.AsMemory(at, Math.Min(pieceSize, data.Length - at)));
            }

            await pipe.Writer.WriteAsync(trailer);
            await pipe.Writer.CompleteAsync();
        });

        var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using (var reader = new RdbReader(pipe.Reader))
        {
            var keys = 0;
            while (await reader.ReadAsync(timeout.Token))
            {
                keys += reader.Current is RdbKeyStart ? 1 : 0;
            }

            Assert.Equal(fixture.Expected.Count, keys);
            Assert.Equal(data.Length, reader.BytesConsumed);
        }

        // What follows the snapshot is left in the pipe for the next reader.
        var rest = new List<byte>();
        while (true)
        {
            var result = await pipe.Reader.ReadAsync(timeout.Token);
            rest.AddRange(result.Buffer.ToArray());
            pipe.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        Assert.Equal(trailer, rest);
        await writer;
    }

    [Fact]
    public async Task FromFile_RealDump_ReadsAllKeys()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, fixture.Dump);
            await using var reader = RdbReader.FromFile(path);
            var keys = 0;
            await foreach (var record in reader.ReadAllAsync())
            {
                keys += record is RdbKeyStart ? 1 : 0;
            }

            Assert.Equal(fixture.Expected.Count, keys);
            Assert.Equal(10, reader.Version);
            Assert.Equal(fixture.Dump.Length, reader.BytesConsumed);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
