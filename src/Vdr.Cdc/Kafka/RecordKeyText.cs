using System.Text;

namespace Vdr.Cdc.Kafka;

/// <summary>A Redis key for an error message: printable ASCII as is, other bytes as \xHH, cut after 200 bytes.</summary>
public static class RecordKeyText
{
    private const int MaxBytes = 200;

    public static string Describe(byte[]? key)
    {
        if (key is null)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var b in key.AsSpan(0, Math.Min(key.Length, MaxBytes)))
        {
            if (b is >= 0x20 and < 0x7f && b != (byte)'\\' && b != (byte)'\'')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (key.Length > MaxBytes)
        {
            text.Append($"... ({key.Length:N0} bytes)");
        }

        return text.ToString();
    }
}
