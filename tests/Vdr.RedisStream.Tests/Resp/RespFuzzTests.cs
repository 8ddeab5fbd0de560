using System.Text;
using Vdr.RedisStream.Resp;

namespace Vdr.RedisStream.Tests.Resp;

public class RespFuzzTests
{
    [Fact]
    public void TryRead_RandomValidStreams_SameResultForAnyChunking()
    {
        var random = new Random(20261126);
        for (var round = 0; round < 200; round++)
        {
            var (payload, expected) = RandomStream(random, random.Next(1, 8));
            var whole = RespFeeder.Whole(payload);
            Assert.Equal(expected, whole.Select(RespCommandReaderTests.Render));
            var keepalives = whole.Count(c => c.StartOffset == 0) == 1 ? payload.Length - whole.Sum(c => c.Length) : -1;
            Assert.Equal(payload.Length - keepalives, whole[^1].EndOffset);
            Assert.Equal(payload.Count(b => b == '\n') - whole.Sum(c => c.Args.Length * 2 + 1), keepalives);
            var chunks = Enumerable.Range(0, 64).Select(_ => random.Next(1, 12)).ToArray();
            Assert.Equal(whole, RespFeeder.Feed(payload, chunks), RespCommandReaderTests.CommandComparer.Instance);
        }
    }

    [Fact]
    public void TryRead_CorruptedStreams_OnlyCommandsOrRespProtocolException()
    {
        var random = new Random(424242);
        var failures = 0;
        for (var round = 0; round < 3000; round++)
        {
            var (payload, _) = RandomStream(random, random.Next(1, 5));
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                switch (random.Next(3))
                {
                    case 0:
                        payload[random.Next(payload.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        payload[random.Next(payload.Length)] = "*$\r\n-0123456789"u8[random.Next(15)];
                        break;
                    default:
                        var cut = random.Next(payload.Length);
                        payload = [.. payload[..cut], .. payload[Math.Min(payload.Length, cut + random.Next(1, 4))..]];
                        break;
                }
            }

            if (payload.Length == 0)
            {
                continue;
            }

            var chunks = Enumerable.Range(0, 64).Select(_ => random.Next(1, 9)).ToArray();
            List<RespCommand>? wholeResult = null;
            long? wholeError = null;
            try
            {
                wholeResult = RespFeeder.Whole(payload);
            }
            catch (RespProtocolException ex)
            {
                wholeError = ex.Offset;
                failures++;
            }

            try
            {
                var chunked = RespFeeder.Feed(payload, chunks);
                Assert.Null(wholeError);
                Assert.Equal(wholeResult!, chunked, RespCommandReaderTests.CommandComparer.Instance);
            }
            catch (RespProtocolException ex)
            {
                Assert.Equal(wholeError, ex.Offset);
            }
        }

        Assert.True(failures > 100, $"the corruptions should break many streams, broke {failures}");
    }

    private static (byte[] Payload, List<string> Expected) RandomStream(Random random, int commands)
    {
        var bytes = new List<byte>();
        var expected = new List<string>();
        for (var c = 0; c < commands; c++)
        {
            if (random.Next(10) == 0)
            {
                bytes.Add((byte)'\n');
            }

            var argc = random.Next(1, 5);
            var args = new List<byte[]>();
            for (var a = 0; a < argc; a++)
            {
                var len = random.Next(10) == 0 ? random.Next(64, 300) : random.Next(0, 12);
                var arg = new byte[len];
                for (var i = 0; i < len; i++)
                {
                    arg[i] = (byte)random.Next(33, 127);
                }

                args.Add(arg);
            }

            bytes.AddRange(RespWriter.Command(args));
            expected.Add(string.Join(' ', args.Select(a => Encoding.ASCII.GetString(a))));
        }

        return (bytes.ToArray(), expected);
    }
}
