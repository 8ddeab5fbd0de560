using System.Buffers.Binary;

namespace Vdr.Cdc.Routing;

/// <summary>
/// The partitioner of the Java Kafka client and of librdkafka's <c>murmur2</c>/<c>murmur2_random</c>: MurmurHash2
/// (32-bit, seed 0x9747b28c) of the key bytes, made positive by masking the sign bit, modulo the partition count.
/// A record keyed by a Redis key lands on the same partition as a Java producer would put it.
/// </summary>
public static class Murmur2Partitioner
{
    private const uint Seed = 0x9747b28c;
    private const uint M = 0x5bd1e995;
    private const int R = 24;

    /// <summary>The signed 32-bit hash, as Java's <c>Utils.murmur2(byte[])</c> returns it.</summary>
    public static int Hash(ReadOnlySpan<byte> data)
    {
        var length = data.Length;
        var h = Seed ^ (uint)length;
        var blocks = length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        var tail = data[(blocks * 4)..];
        switch (tail.Length)
        {
            case 3:
                h ^= (uint)tail[2] << 16;
                h ^= (uint)tail[1] << 8;
                h ^= tail[0];
                h *= M;
                break;
            case 2:
                h ^= (uint)tail[1] << 8;
                h ^= tail[0];
                h *= M;
                break;
            case 1:
                h ^= tail[0];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }

    /// <summary>The partition a keyed record goes to among <paramref name="partitionCount"/> partitions.</summary>
    public static int Partition(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        return (Hash(key) & 0x7fffffff) % partitionCount;
    }
}
