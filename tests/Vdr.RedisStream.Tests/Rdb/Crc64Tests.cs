using System.Text;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Tests.Rdb;

public class Crc64Tests
{
    [Fact]
    public void Compute_CheckString_GivesRedisTestVector()
    {
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Compute("123456789"u8));
    }

    [Fact]
    public void Update_InPieces_EqualsWhole()
    {
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var whole = Crc64.Compute(data);
        for (var split = 0; split <= data.Length; split += 7)
        {
            Assert.Equal(whole, Crc64.Update(Crc64.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    [Fact]
    public void Compute_Empty_IsZero()
    {
        Assert.Equal(0UL, Crc64.Compute([]));
    }
}
