using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Vdr.Cdc.Host.Output;

/// <summary>
/// The JSON encodings shared by every command that prints Redis data (<c>rdb</c>, <c>replicate</c>, <c>tail</c>):
/// <list type="bullet">
/// <item><c>&lt;bstr&gt;</c>: a JSON string when the bytes are valid UTF-8, else <c>{"b64":"&lt;base64&gt;"}</c>.</item>
/// <item>score: a JSON number in its shortest round-trip form (<c>1.5</c>, <c>3</c>, <c>1E+300</c>),
/// or the strings <c>"inf"</c>, <c>"-inf"</c>, <c>"nan"</c>.</item>
/// </list>
/// </summary>
public static class JsonBytes
{
    /// <summary>Name of the property that carries the base64 form of bytes that are not valid UTF-8.</summary>
    public const string Base64PropertyName = "b64";

    /// <summary>Writes <paramref name="bytes"/> as a <c>&lt;bstr&gt;</c> value.</summary>
    public static void WriteValue(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Utf8.IsValid(bytes))
        {
            writer.WriteStringValue(bytes);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteBase64String(Base64PropertyName, bytes);
            writer.WriteEndObject();
        }
    }

    /// <summary>Writes a property whose value is a <c>&lt;bstr&gt;</c>.</summary>
    public static void WriteProperty(Utf8JsonWriter writer, string propertyName, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(propertyName);
        WriteValue(writer, bytes);
    }

    /// <summary>Writes a sorted-set score: a JSON number, or "inf" / "-inf" / "nan".</summary>
    public static void WriteScore(Utf8JsonWriter writer, double score)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(score))
        {
            // Utf8JsonWriter formats doubles in their shortest round-trippable form, culture-invariant.
            writer.WriteNumberValue(score);
        }
        else
        {
            writer.WriteStringValue(FormatNonFinite(score));
        }
    }

    /// <summary>The text form of a score, as <see cref="WriteScore"/> prints it (without JSON quoting).</summary>
    public static string FormatScore(double score) =>
        double.IsFinite(score) ? score.ToString("R", CultureInfo.InvariantCulture) : FormatNonFinite(score);

    /// <summary>Reads back a <c>&lt;bstr&gt;</c>; the inverse of <see cref="WriteValue"/>.</summary>
    public static byte[] ReadValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => System.Text.Encoding.UTF8.GetBytes(element.GetString()!),
        JsonValueKind.Object => element.GetProperty(Base64PropertyName).GetBytesFromBase64(),
        _ => throw new FormatException($"Expected a JSON string or {{\"b64\":...}}, found {element.ValueKind}."),
    };

    /// <summary>Reads back a score; the inverse of <see cref="WriteScore"/>.</summary>
    public static double ReadScore(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString() switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" => double.NaN,
            var other => throw new FormatException($"Expected a score, found the string \"{other}\"."),
        },
        _ => throw new FormatException($"Expected a score, found {element.ValueKind}."),
    };

    private static string FormatNonFinite(double score) =>
        double.IsNaN(score) ? "nan" : score > 0 ? "inf" : "-inf";
}
