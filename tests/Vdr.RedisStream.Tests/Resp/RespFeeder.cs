using System.Buffers;
using Vdr.RedisStream.Resp;

namespace Vdr.RedisStream.Tests.Resp;

/// <summary>Feeds a payload to a <see cref="RespCommandReader"/> in the given chunks, keeping unconsumed bytes as a pipe would.</summary>
internal static class RespFeeder
{
    public static List<RespCommand> Feed(byte[] payload, IEnumerable<int> chunkSizes, long startOffset = 0)
    {
        var reader = new RespCommandReader(startOffset);
        var commands = new List<RespCommand>();
        var pending = new List<byte[]>();
        var at = 0;
        foreach (var size in chunkSizes.Append(int.MaxValue))
        {
            if (at >= payload.Length)
            {
                break;
            }

            var n = Math.Min(size, payload.Length - at);
            pending.Add(payload[at..(at + n)]);
            at += n;
            var buffer = Segments.Create(pending);
            while (reader.TryRead(ref buffer, out var command))
            {
                commands.Add(command);
            }

            // keep what was not consumed, split as it was (a pipe keeps its segments)
            pending = Split(buffer);
        }

        return commands;
    }

    public static List<RespCommand> Whole(byte[] payload) => Feed(payload, [payload.Length]);

    public static IEnumerable<int> OneByte(int length) => Enumerable.Repeat(1, length);

    private static List<byte[]> Split(ReadOnlySequence<byte> buffer)
    {
        var list = new List<byte[]>();
        foreach (var memory in buffer)
        {
            list.Add(memory.ToArray());
        }

        return list;
    }
}
