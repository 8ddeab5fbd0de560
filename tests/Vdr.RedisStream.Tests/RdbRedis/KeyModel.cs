using System.Globalization;
using System.Text;
using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Tests.RdbRedis;

/// <summary>
/// One key in a canonical, comparable form: its value rendered as text (bytes escaped, sets and hashes sorted,
/// sorted sets in rank order, stream entries in id order with metadata and groups), so that what the server
/// returns and what the reader decodes compare with a readable diff.
/// </summary>
public sealed record KeyModel(int Db, string Key, string Type, RdbEncoding Encoding, long? ExpireAtMs, string Value)
{
    public static string Show(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 2);
        text.Append('"');
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return text.Append('"').ToString();
    }

    public static string Score(double score) => score.ToString("R", CultureInfo.InvariantCulture);

    public static string List(IEnumerable<byte[]> items) => "[" + string.Join(",", items.Select(i => Show(i))) + "]";

    public static string Set(IEnumerable<byte[]> members) => "{" + string.Join(",", members.Select(i => Show(i)).Order(StringComparer.Ordinal)) + "}";

    public static string ZSet(IEnumerable<(byte[] Member, double Score)> rankOrdered) =>
        "[" + string.Join(",", rankOrdered.Select(m => Show(m.Member) + ":" + Score(m.Score))) + "]";

    public static string Hash(IEnumerable<(byte[] Field, byte[] Value)> fields) =>
        "{" + string.Join(",", fields.Select(f => Show(f.Field) + "=" + Show(f.Value)).Order(StringComparer.Ordinal)) + "}";

    public static string Stream(
        ulong length,
        string lastId,
        IEnumerable<(string Id, IEnumerable<(byte[] Field, byte[] Value)> Fields)> entries,
        IEnumerable<(byte[] Name, string LastDelivered, long Pending, IEnumerable<(byte[] Name, long Pending)> Consumers)> groups)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"length={length} last={lastId}\n");
        foreach (var (id, fields) in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {id} {string.Join(" ", fields.Select(f => Show(f.Field) + "=" + Show(f.Value)))}\n");
        }

        foreach (var (name, lastDelivered, pending, consumers) in groups.OrderBy(g => Show(g.Name), StringComparer.Ordinal))
        {
            var consumerText = string.Join(",", consumers.Select(c => Show(c.Name) + ":" + c.Pending.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
            text.Append(CultureInfo.InvariantCulture, $"  group {Show(name)} last={lastDelivered} pending={pending} consumers={consumerText}\n");
        }

        return text.ToString();
    }
}
