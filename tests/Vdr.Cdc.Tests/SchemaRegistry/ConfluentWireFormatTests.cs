using Vdr.Cdc.Events.Framing;

namespace Vdr.Cdc.Tests.SchemaRegistry;

public sealed class ConfluentWireFormatTests
{
    // Hand-computed: magic 0, schema id big-endian, message-index array as zig-zag varints.
    [Theory]
    [InlineData(1, new[] { 0 }, new byte[] { 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 })]
    [InlineData(0x01020304, new[] { 0 }, new byte[] { 0x00, 0x01, 0x02, 0x03, 0x04, 0x00 })]
    [InlineData(7, new[] { 1 }, new byte[] { 0x00, 0x00, 0x00, 0x00, 0x07, 0x02, 0x02 })]
    [InlineData(7, new[] { 2, 1 }, new byte[] { 0x00, 0x00, 0x00, 0x00, 0x07, 0x04, 0x04, 0x02 })]
    [InlineData(300, new[] { 64 }, new byte[] { 0x00, 0x00, 0x00, 0x01, 0x2c, 0x02, 0x80, 0x01 })]
    public void WriteHeader_KnownVectors_ByteForByte(int schemaId, int[] indexes, byte[] expected)
    {
        var buffer = new byte[16];
        var length = ConfluentWireFormat.WriteHeader(buffer, schemaId, indexes);
        Assert.Equal(expected, buffer[..length]);
        Assert.Equal(expected.Length, ConfluentWireFormat.HeaderLength(indexes));
        var (id, read, headerLength) = ConfluentWireFormat.ReadHeader(expected);
        Assert.Equal(schemaId, id);
        Assert.Equal(indexes, read);
        Assert.Equal(expected.Length, headerLength);
    }

    [Fact]
    public void ReadHeader_NotMagicZero_Throws() =>
        Assert.Throws<FormatException>(() => ConfluentWireFormat.ReadHeader([0x0a, 0, 0, 0, 1, 0]));
}
