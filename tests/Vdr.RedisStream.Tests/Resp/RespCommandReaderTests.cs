using System.Buffers;
using System.Text;
using Vdr.RedisStream.Resp;

namespace Vdr.RedisStream.Tests.Resp;

public class RespCommandReaderTests
{
    public static TheoryData<string, string[]> Payloads => new()
    {
        { "*1\r\n$4\r\nPING\r\n", ["PING"] },
        { "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n", ["SELECT 0", "set k v"] },
        { "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n", ["REPLCONF GETACK *"] },
        { "*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nx\r\n*1\r\n$4\r\nEXEC\r\n", ["MULTI", "INCR x", "EXEC"] },
        { "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$2\r\n\r\n\r\n", ["SET  \r\n"] },
        { "PING\r\n", ["PING"] },
        { "SET  a   b\r\nGET a\n", ["SET a b", "GET a"] },
        { "\n\n*1\r\n$4\r\nPING\r\n\r\n\n", ["PING"] },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void TryRead_WholeSplitAtEveryByteAndOneByteAtATime_SameCommandsAndOffsets(string text, string[] expected)
    {
        var payload = Encoding.ASCII.GetBytes(text);
        var whole = RespFeeder.Whole(payload);
        Assert.Equal(expected, whole.Select(Render));
        AssertOffsetsExact(payload, whole);

        for (var cut = 1; cut < payload.Length; cut++)
        {
            var split = RespFeeder.Feed(payload, [cut, payload.Length - cut]);
            Assert.Equal(whole, split, CommandComparer.Instance);
        }

        Assert.Equal(whole, RespFeeder.Feed(payload, RespFeeder.OneByte(payload.Length)), CommandComparer.Instance);
    }

    [Fact]
    public void TryRead_StartOffset_CountsFromIt()
    {
        var payload = "*1\r\n$4\r\nPING\r\n*2\r\n$6\r\nSELECT\r\n$2\r\n15\r\n"u8.ToArray();
        var commands = RespFeeder.Feed(payload, [5, 7, 100], startOffset: 1000);
        Assert.Equal(1000, commands[0].StartOffset);
        Assert.Equal(1014, commands[0].EndOffset);
        Assert.Equal(1014, commands[1].StartOffset);
        Assert.Equal(1000 + payload.Length, commands[1].EndOffset);
    }

    [Fact]
    public void TryRead_IncompleteFrame_ConsumesOnlyCompleteArgumentsAndKeepsFrameBoundary()
    {
        var reader = new RespCommandReader(10);
        var buffer = new ReadOnlySequence<byte>("*2\r\n$3\r\nSET\r\n$5\r\nab"u8.ToArray());
        Assert.False(reader.TryRead(ref buffer, out _));
        Assert.True(reader.InFrame);
        Assert.Equal(10, reader.FrameBoundary);
        Assert.Equal(10 + 13, reader.Offset);
        Assert.Equal("$5\r\nab", Encoding.ASCII.GetString(buffer.ToArray()));
    }

    [Fact]
    public void TryRead_LowerCaseCommandName_MatchesIgnoringCase()
    {
        var commands = RespFeeder.Whole("*1\r\n$5\r\nmulti\r\n*1\r\n$4\r\nExEc\r\n"u8.ToArray());
        Assert.True(commands[0].Is("MULTI"u8));
        Assert.True(commands[1].Is("EXEC"u8));
        Assert.False(commands[1].Is("EXECX"u8));
    }

    [Fact]
    public void TryRead_BigBulk_AcrossManyChunks()
    {
        var value = new byte[300_000];
        new Random(7).NextBytes(value);
        var payload = RespWriter.Command([Encoding.ASCII.GetBytes("SET"), "key"u8.ToArray(), value]);
        var commands = RespFeeder.Feed(payload, Enumerable.Repeat(4093, 100));
        var command = Assert.Single(commands);
        Assert.Equal(value, command.Args[2]);
        Assert.Equal(payload.Length, command.Length);
    }

    public static TheoryData<string, long, string> Violations => new()
    {
        { "*x\r\n", 1, "a decimal digit" },
        { "*0\r\n", 1, "an argument count" },
        { "*-1\r\n", 1, "an argument count" },
        { "*1\r\n+OK\r\n", 4, "'$'" },
        { "*1\r\n$-2\r\n", 5, "a bulk length" },
        { "*1\r\n$3\r\nabcXY", 11, "\"\\r\\n\" after the bulk string" },
        { "*1\r\n$3x\r\n", 6, "a decimal digit or" },
        { "*1\r\n$3\rx", 7, "\"\\n\" ending" },
        { "*1\r\n$4\r\nPING\r\n\rX", 15, "\"\\n\" after \"\\r\"" },
        { "*12345678901234567890\r\n", 19, "at most 18 digits" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void TryRead_ProtocolViolation_ThrowsWithOffsetAndExpectation(string text, long offset, string expected)
    {
        var payload = Encoding.ASCII.GetBytes(text);
        var ex = Assert.Throws<RespProtocolException>(() => RespFeeder.Whole(payload));
        Assert.Equal(offset, ex.Offset);
        Assert.Contains(expected, ex.Expected, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);

        // the same violation is found at the same offset whatever the chunking
        var oneByte = Assert.Throws<RespProtocolException>(() => RespFeeder.Feed(payload, RespFeeder.OneByte(payload.Length)));
        Assert.Equal(offset, oneByte.Offset);
    }

    [Fact]
    public void TryRead_BulkLongerThanLimit_ThrowsBeforeAllocating()
    {
        var reader = new RespCommandReader(0, new RespReaderLimits { MaxBulkBytes = 100 });
        var buffer = new ReadOnlySequence<byte>("*1\r\n$101\r\n"u8.ToArray());
        var ex = Assert.Throws<RespProtocolException>(() => reader.TryRead(ref buffer, out _));
        Assert.Equal(5, ex.Offset);
    }

    [Fact]
    public void TryRead_InlineLineTooLong_Throws()
    {
        var reader = new RespCommandReader(0, new RespReaderLimits { MaxInlineBytes = 16 });
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('a', 40)));
        Assert.Throws<RespProtocolException>(() => reader.TryRead(ref buffer, out _));
    }

    internal static string Render(RespCommand command) => string.Join(' ', command.Args.Select(a => Encoding.ASCII.GetString(a)));

    private static void AssertOffsetsExact(byte[] payload, List<RespCommand> commands)
    {
        // frames are contiguous in offset space (keepalive newlines are not counted), and the offsets add up to
        // the payload minus the keepalive newlines
        for (var i = 1; i < commands.Count; i++)
        {
            Assert.Equal(commands[i - 1].EndOffset, commands[i].StartOffset);
        }

        Assert.Equal(commands.Sum(c => c.Length), commands[^1].EndOffset - commands[0].StartOffset);
        foreach (var c in commands.Where(c => payload.Contains((byte)'*')))
        {
            // a RESP frame's length is exactly its canonical encoding's
            Assert.Equal(RespWriter.Command(c.Args).Length, c.Length);
        }
    }

    internal sealed class CommandComparer : IEqualityComparer<RespCommand>
    {
        public static readonly CommandComparer Instance = new();

        public bool Equals(RespCommand x, RespCommand y) =>
            x.StartOffset == y.StartOffset && x.EndOffset == y.EndOffset && x.Args.Length == y.Args.Length
            && x.Args.Zip(y.Args).All(p => p.First.AsSpan().SequenceEqual(p.Second));

        public int GetHashCode(RespCommand obj) => HashCode.Combine(obj.StartOffset, obj.EndOffset);
    }
}
