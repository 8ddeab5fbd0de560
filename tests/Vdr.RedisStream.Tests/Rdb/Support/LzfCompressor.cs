namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>A simple greedy LZF compressor (format of liblzf), to build compressed fixtures.</summary>
public static class LzfCompressor
{
    public static byte[] Compress(ReadOnlySpan<byte> input)
    {
        var output = new List<byte>();
        var literals = new List<byte>();
        var i = 0;
        while (i < input.Length)
        {
            var bestLen = 0;
            var bestOff = 0;
            var windowStart = Math.Max(0, i - 8192);
            for (var j = i - 1; j >= windowStart && bestLen < 264; j--)
            {
                var len = 0;
                while (len < 264 && i + len < input.Length && input[j + len] == input[i + len])
                {
                    len++;
                }

                if (len > bestLen)
                {
                    bestLen = len;
                    bestOff = i - j;
                }
            }

            if (bestLen >= 3)
            {
                Flush(output, literals);
                var l = bestLen - 2;
                var off = bestOff - 1;
                if (l < 7)
                {
                    output.Add((byte)((l << 5) | (off >> 8)));
                }
                else
                {
                    output.Add((byte)((7 << 5) | (off >> 8)));
                    output.Add((byte)(l - 7));
                }

                output.Add((byte)off);
                i += bestLen;
            }
            else
            {
                literals.Add(input[i++]);
                if (literals.Count == 32)
                {
                    Flush(output, literals);
                }
            }
        }

        Flush(output, literals);
        return [.. output];
    }

    private static void Flush(List<byte> output, List<byte> literals)
    {
        if (literals.Count == 0)
        {
            return;
        }

        output.Add((byte)(literals.Count - 1));
        output.AddRange(literals);
        literals.Clear();
    }
}
