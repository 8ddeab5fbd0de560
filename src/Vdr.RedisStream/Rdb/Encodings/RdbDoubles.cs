using System.Globalization;

namespace Vdr.RedisStream.Rdb.Encodings;

/// <summary>Parses the textual doubles Redis writes (scores): decimal, exponent, inf, -inf, nan.</summary>
internal static class RdbDoubles
{
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        if (text.Length is >= 3 and <= 4)
        {
            var negative = text[0] == (byte)'-';
            var body = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
            if (body.Length == 3)
            {
                if (System.Text.Ascii.EqualsIgnoreCase(body, "inf"u8))
                {
                    value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                    return true;
                }

                if (System.Text.Ascii.EqualsIgnoreCase(body, "nan"u8))
                {
                    value = double.NaN;
                    return true;
                }
            }
        }

        if (text.Length == 0 || text.Length > 512)
        {
            value = 0;
            return false;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
