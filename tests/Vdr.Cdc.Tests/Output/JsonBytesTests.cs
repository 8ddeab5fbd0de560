using System.Text;
using System.Text.Json;
using Vdr.Cdc.Host.Output;

namespace Vdr.Cdc.Tests.Output;

public class JsonBytesTests
{
    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(3.0, "3")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.25, "-2.25")]
    [InlineData(1e300, "1E+300")]
    [InlineData(123456789012345680.0, "1.2345678901234568E+17")]
    [InlineData(double.PositiveInfinity, "\"inf\"")]
    [InlineData(double.NegativeInfinity, "\"-inf\"")]
    [InlineData(double.NaN, "\"nan\"")]
    public void WriteScore_Value_ShortestRoundTripOrName(double score, string expected)
    {
        var json = Write(w => JsonBytes.WriteScore(w, score));

        Assert.Equal(expected, json);
        var parsed = JsonBytes.ReadScore(JsonDocument.Parse(json).RootElement);
        Assert.Equal(score, parsed);
    }

    [Fact]
    public void WriteScore_ManyRandomDoubles_RoundTripExactly()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var score = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(score))
            {
                continue;
            }

            var json = Write(w => JsonBytes.WriteScore(w, score));
            Assert.Equal(BitConverter.DoubleToInt64Bits(score), BitConverter.DoubleToInt64Bits(JsonBytes.ReadScore(JsonDocument.Parse(json).RootElement)));
            Assert.Equal(score.ToString("R", System.Globalization.CultureInfo.InvariantCulture), JsonBytes.FormatScore(score));
        }
    }

    [Fact]
    public void WriteValue_ValidUtf8_JsonString()
    {
        var bytes = Encoding.UTF8.GetBytes("héllo \"wörld\"\n€😀");

        var json = Write(w => JsonBytes.WriteValue(w, bytes));

        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(json).RootElement.ValueKind);
        Assert.Equal(bytes, JsonBytes.ReadValue(JsonDocument.Parse(json).RootElement));
    }

    [Theory]
    [InlineData(new byte[] { 0xff })]
    [InlineData(new byte[] { 0x61, 0xc3 })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]
    [InlineData(new byte[] { 0x00, 0x80, 0x01 })]
    public void WriteValue_InvalidUtf8_Base64Object(byte[] bytes)
    {
        var json = Write(w => JsonBytes.WriteValue(w, bytes));

        Assert.Equal("{\"b64\":\"" + Convert.ToBase64String(bytes) + "\"}", json);
        Assert.Equal(bytes, JsonBytes.ReadValue(JsonDocument.Parse(json).RootElement));
    }

    [Fact]
    public void WriteValue_EmptyAndNul_JsonStrings()
    {
        Assert.Equal("\"\"", Write(w => JsonBytes.WriteValue(w, [])));
        Assert.Equal("\"\\u0000\"", Write(w => JsonBytes.WriteValue(w, [0])));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
