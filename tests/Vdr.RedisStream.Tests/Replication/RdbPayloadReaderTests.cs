using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Vdr.RedisStream.Psync;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Tests.Replication;

public class RdbPayloadReaderTests
{
    private static readonly byte[] Mark = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef01234567");
    private static readonly byte[] Tail = "*1\r\n$4\r\nPING\r\n"u8.ToArray();

    public static TheoryData<string> Payloads => new()
    {
        "REDIS0011 some rdb bytes",
        // payloads holding prefixes of the mark, and the mark's first byte at the end
        "REDIS" + "0123456789abcdef0123456789abcdef0123456" + "x0",
        "0123456789abcdef0123456789abcdef0123456X0",
        string.Empty,
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task ReadAsync_EofMarkSplitAnywhere_PayloadExactAndMarkNeverShown(string text)
    {
        var payload = Encoding.ASCII.GetBytes(text);
        byte[] wire = [.. payload, .. Mark, .. Tail];
        for (var cut = 0; cut <= wire.Length; cut++)
        {
            await AssertTransferAsync(wire, [cut, wire.Length], new TransferHeader(-1, Mark), payload);
        }

        await AssertTransferAsync(wire, Enumerable.Repeat(1, wire.Length).ToArray(), new TransferHeader(-1, Mark), payload);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task ReadAsync_DiskLength_EndsExactlyAtLength(string text)
    {
        var payload = Encoding.ASCII.GetBytes(text);
        byte[] wire = [.. payload, .. Tail];
        for (var cut = 0; cut <= wire.Length; cut++)
        {
            await AssertTransferAsync(wire, [cut, wire.Length], new TransferHeader(payload.Length, null), payload);
        }

        await AssertTransferAsync(wire, Enumerable.Repeat(1, wire.Length).ToArray(), new TransferHeader(payload.Length, null), payload);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadAsync_HexPayloadFullOfNearMisses_RandomSegments_PayloadExact(int seed)
    {
        // Redis's mark is 40 hex characters: a hex payload starts a candidate every few bytes, and each near miss
        // (the mark with one byte changed) matches up to 39 bytes, inside a segment or across segment ends.
        var random = new Random(seed);
        var mark = Enumerable.Range(0, Mark.Length).Select(_ => (byte)"0123456789abcdef"[random.Next(16)]).ToArray();
        var payload = new List<byte>();
        while (payload.Count < 20_000)
        {
            if (random.Next(4) == 0)
            {
                // a prefix of the mark, then a byte that is not the mark's next (nor any hex character)
                payload.AddRange(mark.AsSpan(0, random.Next(1, Mark.Length)).ToArray());
                payload.Add((byte)'x');
            }
            else
            {
                payload.Add((byte)"0123456789abcdef"[random.Next(16)]);
            }
        }

        byte[] expected = [.. payload];
        Assert.Equal(-1, expected.AsSpan().IndexOf(mark));
        byte[] wire = [.. expected, .. mark, .. Tail];
        var chunks = Enumerable.Range(0, wire.Length).Select(_ => random.Next(1, 120)).ToArray();
        await AssertTransferAsync(wire, chunks, new TransferHeader(-1, mark), expected);
    }

    [Fact]
    public async Task ReadAsync_ConnectionEndsBeforeMark_TransientError()
    {
        var wire = Encoding.ASCII.GetBytes("REDIS0011 partial");
        var reader = new RdbPayloadReader(new ChunkedPipeReader(wire, [5, 5, 100]), new TransferHeader(-1, Mark));
        var ex = await Assert.ThrowsAsync<RedisReplicationException>(async () => await DrainAsync(reader));
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task FinishAsync_WrongMark_Throws()
    {
        byte[] wire = [.. "abc"u8, .. Mark];
        var other = (byte[])Mark.Clone();
        other[^1] = (byte)'Z';
        byte[] wrong = [.. "abc"u8, .. other, .. Tail, .. Mark];
        var reader = new RdbPayloadReader(new ChunkedPipeReader(wrong, [100]), new TransferHeader(3, null));
        _ = wire;
        await DrainAsync(reader);
        Assert.Equal(3, await reader.FinishAsync(CancellationToken.None));
    }

    private static async Task AssertTransferAsync(byte[] wire, int[] chunks, TransferHeader header, byte[] expected)
    {
        var inner = new ChunkedPipeReader(wire, chunks);
        var reader = new RdbPayloadReader(inner, header);
        var seen = await DrainAsync(reader);
        Assert.Equal(expected, seen);
        Assert.Equal(expected.Length, await reader.FinishAsync(CancellationToken.None));

        // what follows the payload (and the mark) is the command stream, untouched
        Assert.Equal(wire.Length - Tail.Length, inner.Consumed);
        while (true)
        {
            var rest = await inner.ReadAsync();
            if (rest.IsCompleted)
            {
                Assert.Equal(Tail, rest.Buffer.ToArray());
                break;
            }

            inner.AdvanceTo(rest.Buffer.Start, rest.Buffer.End);
        }
    }

    /// <summary>Reads like an RDB reader: consumes all but the last byte shown, then the rest once complete.</summary>
    private static async Task<byte[]> DrainAsync(PipeReader reader)
    {
        var seen = new List<byte>();
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            if (result.IsCompleted)
            {
                seen.AddRange(buffer.ToArray());
                reader.AdvanceTo(buffer.End);
                return [.. seen];
            }

            var take = Math.Max(0, buffer.Length - 1);
            seen.AddRange(buffer.Slice(0, take).ToArray());
            reader.AdvanceTo(buffer.GetPosition(take), buffer.End);
        }
    }
}
