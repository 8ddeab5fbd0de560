using System.Text;
using Vdr.Cdc.Routing;

namespace Vdr.Cdc.Tests.Routing;

public sealed class Murmur2PartitionerTests
{
    // Apache Kafka's UtilsTest.testMurmur2: what the Java client computes.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Hash_JavaVectors_Match(string key, int expected) =>
        Assert.Equal(expected, Murmur2Partitioner.Hash(Encoding.ASCII.GetBytes(key)));

    [Fact]
    public void Partition_Foobar_IsPositiveHashModuloCount()
    {
        // toPositive(-790332482) = 1357151166; 1357151166 % 50 = 16.
        Assert.Equal(16, Murmur2Partitioner.Partition("foobar"u8, 50));
        Assert.Equal(1357151166 % 4, Murmur2Partitioner.Partition("foobar"u8, 4));
    }

    [Fact]
    public void Partition_EmptyKey_IsDeterministicAndInRange()
    {
        var p = Murmur2Partitioner.Partition([], 6);
        Assert.InRange(p, 0, 5);
        Assert.Equal(p, Murmur2Partitioner.Partition([], 6));
    }
}
