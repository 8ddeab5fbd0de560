using System.Text;

namespace Vdr.RedisStream.Resp;

/// <summary>Small ASCII helpers for protocol tokens (no culture, no allocation).</summary>
public static class RespAscii
{
    /// <summary>Compares <paramref name="value"/> with an upper-case ASCII token, ignoring the case of letters.</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> upperCaseToken)
    {
        if (value.Length != upperCaseToken.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is >= (byte)'a' and <= (byte)'z')
            {
                c = (byte)(c - 32);
            }

            if (c != upperCaseToken[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A short printable description of some bytes for error messages (escapes control bytes, truncates).</summary>
    public static string Describe(ReadOnlySpan<byte> bytes, int max = 24)
    {
        if (bytes.IsEmpty)
        {
            return "end of data";
        }

        var sb = new StringBuilder("\"");
        var n = Math.Min(bytes.Length, max);
        for (var i = 0; i < n; i++)
        {
            var b = bytes[i];
            switch (b)
            {
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'"': sb.Append("\\\""); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                case >= 0x20 and < 0x7f: sb.Append((char)b); break;
                default: sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }

        sb.Append('"');
        if (bytes.Length > max)
        {
            sb.Append("...");
        }

        return sb.ToString();
    }
}
