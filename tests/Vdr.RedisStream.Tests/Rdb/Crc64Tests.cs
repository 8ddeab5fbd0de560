using System.Runtime.Intrinsics.X86;
using System.Text;
using Vdr.RedisStream.Rdb.Encodings;

namespace Vdr.RedisStream.Tests.Rdb;

public class Crc64Tests
{
    [Fact]
    public void Compute_CheckString_GivesRedisTestVector()
    {
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Compute("123456789"u8));
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.UpdateTable(0, "123456789"u8));
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

    [Fact]
    public void Reflect_Polynomial_GivesReflectedPolynomial()
    {
        Assert.Equal(0x95AC9329AC4BC9B5UL, Crc64.Reflect(0xAD93D23594C935A9UL));
        Assert.Equal(0xAD93D23594C935A9UL, Crc64.XPowModP(64));
        Assert.Equal(1UL << 63, Crc64.XPowModP(63));
    }

    [Fact]
    public void FoldConstants_EqualTableCrcOfASingleBit()
    {
        // An independent derivation of reflect(x^m mod P): the table CRC of an n-byte message whose only set bit is
        // bit 0 of the first byte (the x^(8n-1) coefficient) is x^(8n-1)·x^64 mod P reflected, so m = 8n + 63.
        foreach (var bits in new[] { 128, 256, 384, 512 })
        {
            var k = Crc64.FoldConstants(bits);
            Assert.Equal(ReflectedXPowModP(64 + bits - 1), k[0]);
            Assert.Equal(ReflectedXPowModP(bits - 1), k[1]);
        }

        static ulong ReflectedXPowModP(int m)
        {
            Assert.Equal(0, (m - 63) % 8);
            var message = new byte[(m - 63) / 8];
            message[0] = 1;
            return Crc64.UpdateTable(0, message);
        }
    }

    [Fact]
    public void UpdateFolded_EveryLengthTo2048_EqualsTable()
    {
        if (!Pclmulqdq.IsSupported)
        {
            return;
        }

        AssertEveryLengthTo2048(Crc64.UpdateFolded);
    }

    [Fact]
    public void UpdateFolded512_EveryLengthTo2048_EqualsTable()
    {
        if (!Pclmulqdq.V512.IsSupported)
        {
            return;
        }

        AssertEveryLengthTo2048(Crc64.UpdateFolded512);
    }

    [Fact]
    public void Update_EveryLengthTo2048_EqualsTable()
    {
        AssertEveryLengthTo2048(Crc64.Update);
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData((1 << 20) + 1)]
    [InlineData((1 << 20) + 63)]
    [InlineData((1 << 20) + 255)]
    [InlineData((3 << 20) + 12345)]
    [InlineData(999_983)]
    public void Update_LargeInput_EqualsTable(int length)
    {
        var random = new Random(length);
        var data = new byte[length + 7];
        random.NextBytes(data);
        foreach (var start in new[] { 0, 1, 7 })
        {
            // Unaligned starts as well: the vector loads must not assume alignment.
            var span = data.AsSpan(start, length);
            var crc = (ulong)random.NextInt64();
            var expected = Crc64.UpdateTable(crc, span);
            Assert.Equal(expected, Crc64.Update(crc, span));
            if (Pclmulqdq.IsSupported)
            {
                Assert.Equal(expected, Crc64.UpdateFolded(crc, span));
            }

            if (Pclmulqdq.V512.IsSupported)
            {
                Assert.Equal(expected, Crc64.UpdateFolded512(crc, span));
            }
        }
    }

    [Fact]
    public void Update_RandomSplits_EqualsTableWhole()
    {
        var random = new Random(2);
        var data = new byte[100_000];
        random.NextBytes(data);
        var expected = Crc64.UpdateTable(0, data);
        for (var round = 0; round < 200; round++)
        {
            var crc = 0UL;
            var rest = data.AsSpan();
            while (!rest.IsEmpty)
            {
                // Mostly pieces around the folding threshold and the 16/64-byte strides, sometimes large ones.
                var size = Math.Min(rest.Length, random.Next(4) == 0 ? random.Next(20_000) : random.Next(300));
                crc = Crc64.Update(crc, rest[..size]);
                rest = rest[size..];
            }

            Assert.Equal(expected, crc);
        }
    }

    [Fact]
    public void Update_EverySplitPoint_EqualsWhole()
    {
        var random = new Random(3);
        var data = new byte[1500];
        random.NextBytes(data);
        var whole = Crc64.UpdateTable(0, data);
        for (var split = 0; split <= data.Length; split++)
        {
            Assert.Equal(whole, Crc64.Update(Crc64.Update(0, data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    private static void AssertEveryLengthTo2048(Func<ulong, ReadOnlySpan<byte>, ulong> update)
    {
        var random = new Random(1);
        var data = new byte[2048 + 3];
        random.NextBytes(data);
        for (var length = 0; length <= 2048; length++)
        {
            // A random crc, with the top bit set half the time; from zero; and from an odd start in the buffer.
            var crc = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            var span = data.AsSpan(0, length);
            Assert.Equal(Crc64.UpdateTable(crc, span), update(crc, span));
            Assert.Equal(Crc64.UpdateTable(0, span), update(0, span));
            var shifted = data.AsSpan(3, length);
            Assert.Equal(Crc64.UpdateTable(crc, shifted), update(crc, shifted));
        }
    }
}
