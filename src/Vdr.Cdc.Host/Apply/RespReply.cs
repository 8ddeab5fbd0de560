using System.Text;

namespace Vdr.Cdc.Host.Apply;

/// <summary>One RESP2 reply: simple string, error, integer, bulk string (null when absent), or array (null when absent).</summary>
internal sealed record RespReply(char Type, byte[]? Bytes, long Integer, IReadOnlyList<RespReply>? Items)
{
    public bool IsError => Type == '-';

    public bool IsNull => (Type == '$' && Bytes is null) || (Type == '*' && Items is null);

    /// <summary>The text of a simple string, error or bulk string.</summary>
    public string Text => Bytes is null ? string.Empty : Encoding.UTF8.GetString(Bytes);

    public override string ToString() => Type switch
    {
        ':' => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        '*' => Items is null ? "(nil)" : $"[{string.Join(", ", Items)}]",
        _ => IsNull ? "(nil)" : Text,
    };
}
