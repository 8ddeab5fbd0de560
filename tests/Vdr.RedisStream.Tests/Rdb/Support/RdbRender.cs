using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>
/// Reads a whole RDB and renders it as text lines (one per header/aux/opcode record, one per key with its value
/// merged from its chunks), checking the record sequence invariants on the way.
/// </summary>
public static class RdbRender
{
    public static async Task<List<string>> ReadLinesAsync(PipeReader input, RdbReaderOptions? options = null)
    {
        await using var reader = new RdbReader(input, options);
        var records = new List<RdbRecord>();
        while (await reader.ReadAsync())
        {
            records.Add(reader.Current);
        }

        return Render(records);
    }

    public static Task<List<string>> ReadLinesAsync(byte[] data, RdbReaderOptions? options = null) =>
        ReadLinesAsync(new SegmentedPipeReader(data, [data.Length]), options);

    public static List<string> Render(IReadOnlyList<RdbRecord> records)
    {
        var lines = new List<string>();
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            switch (r)
            {
                case RdbHeader h:
                    lines.Add($"header {h.Magic} {h.Version}");
                    break;
                case RdbAux a:
                    lines.Add($"aux {T(a.Key)}={T(a.Value)}");
                    break;
                case RdbSelectDb s:
                    lines.Add($"selectdb {s.Db}");
                    break;
                case RdbResizeDb z:
                    lines.Add($"resizedb {z.DbSize} {z.ExpiresSize}");
                    break;
                case RdbSlotInfo si:
                    lines.Add($"slotinfo {si.SlotId} {si.SlotSize} {si.ExpiresSlotSize}");
                    break;
                case RdbFunction f:
                    lines.Add(f.Name is null ? $"function {T(f.Code)}" : $"function {T(f.Name)} {T(f.Code)}");
                    break;
                case RdbModuleAux m:
                    lines.Add($"moduleaux {m.ModuleName} {m.ModuleId & 1023} when={m.When}");
                    break;
                case RdbEnd e:
                    lines.Add($"end {(e.ChecksumVerified ? "verified" : "unverified")}");
                    Assert.Equal(records.Count - 1, i);
                    break;
                case RdbKeyStart k:
                    i = RenderKey(records, i, k, lines);
                    break;
                default:
                    Assert.Fail($"unexpected record {r} at {i}");
                    break;
            }
        }

        return lines;
    }

    private static int RenderKey(IReadOnlyList<RdbRecord> records, int i, RdbKeyStart k, List<string> lines)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"db{k.Db} {T(k.Key)} {k.Type}/{k.Encoding}");
        if (k.ExpireAtMs is long exp)
        {
            sb.Append(CultureInfo.InvariantCulture, $" exp={exp}");
        }

        if (k.IdleSeconds is long idle)
        {
            sb.Append(CultureInfo.InvariantCulture, $" idle={idle}");
        }

        if (k.Frequency is int freq)
        {
            sb.Append(CultureInfo.InvariantCulture, $" freq={freq}");
        }

        sb.Append(" = ");
        var parts = new List<string>();
        var text = new List<byte>();
        var expectedIndex = 0;
        long stringOffset = 0;
        var sawLast = false;
        long elements = 0;
        i++;
        for (; i < records.Count; i++)
        {
            var r = records[i];
            if (r is RdbKeyEnd end)
            {
                Assert.Equal(k.Key, end.Key);
                Assert.Equal(k.Db, end.Db);
                if (k.Type != RdbValueType.Module)
                {
                    Assert.True(sawLast, "key ended without a last chunk");
                    Assert.Equal(elements, end.ElementCount);
                }

                break;
            }

            Assert.False(sawLast && r is not RdbStreamMetadata, $"record {r} after the last chunk");
            switch (r)
            {
                case RdbStringChunk c:
                    Check(c.Index, c.IsLast);
                    Assert.Equal(stringOffset, c.Offset);
                    stringOffset += c.Bytes.Length;
                    elements += c.Bytes.Length;
                    text.AddRange(c.Bytes);
                    break;
                case RdbListChunk c:
                    Check(c.Index, c.IsLast);
                    elements += c.Items.Count;
                    parts.AddRange(c.Items.Select(T));
                    break;
                case RdbSetChunk c:
                    Check(c.Index, c.IsLast);
                    elements += c.Members.Count;
                    parts.AddRange(c.Members.Select(T));
                    break;
                case RdbSortedSetChunk c:
                    Check(c.Index, c.IsLast);
                    elements += c.Members.Count;
                    parts.AddRange(c.Members.Select(m => $"{T(m.Member)}:{D(m.Score)}"));
                    break;
                case RdbHashChunk c:
                    Check(c.Index, c.IsLast);
                    elements += c.Fields.Count;
                    parts.AddRange(c.Fields.Select(f => f.ExpireAtMs is long e ? $"{T(f.Field)}={T(f.Value)}@{e}" : $"{T(f.Field)}={T(f.Value)}"));
                    break;
                case RdbStreamEntriesChunk c:
                    Check(c.Index, c.IsLast);
                    elements += c.Entries.Count;
                    parts.AddRange(c.Entries.Select(e => $"{e.Id}{{{string.Join(' ', e.Fields.Select(f => $"{T(f.Key)}={T(f.Value)}"))}}}"));
                    break;
                case RdbStreamMetadata m:
                    Assert.True(sawLast);
                    parts.Add($"meta(len={m.Length} last={m.LastId} first={m.FirstId} maxdel={m.MaxDeletedId} added={m.EntriesAdded} groups=[{string.Join(';', m.Groups.Select(RenderGroup))}])");
                    break;
                case RdbModuleValue mv:
                    parts.Add($"module({mv.ModuleName} v{mv.ModuleId & 1023} {mv.SkippedBytes} bytes)");
                    break;
                default:
                    Assert.Fail($"unexpected record {r} inside key {T(k.Key)}");
                    break;
            }
        }

        Assert.True(i < records.Count, "missing KeyEnd");
        var separator = k.Type == RdbValueType.String ? string.Empty : ",";
        sb.Append(k.Type == RdbValueType.String ? T([.. text]) : "[" + string.Join(separator, parts) + "]");
        lines.Add(sb.ToString());
        return i;

        void Check(int index, bool isLast)
        {
            Assert.Equal(expectedIndex++, index);
            sawLast = isLast;
        }
    }

    private static string RenderGroup(RdbStreamGroup g) =>
        $"{T(g.Name)} last={g.LastDeliveredId} read={g.EntriesRead?.ToString(CultureInfo.InvariantCulture) ?? "-"} " +
        $"pel=[{string.Join(',', g.Pending.Select(p => $"{p.Id}/{p.DeliveryTimeMs}/{p.DeliveryCount}/{(p.Consumer is null ? "-" : T(p.Consumer))}"))}] " +
        $"consumers=[{string.Join(',', g.Consumers.Select(c => $"{T(c.Name)}/{c.SeenTimeMs}/{c.ActiveTimeMs?.ToString(CultureInfo.InvariantCulture) ?? "-"}/{string.Join('+', c.Pending)}"))}]";

    public static string D(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Bytes as text when printable ASCII, else hex.</summary>
    public static string T(byte[] b)
    {
        if (b.Length > 80)
        {
            return $"<{b.Length} bytes crc={Vdr.RedisStream.Rdb.Encodings.Crc64.Compute(b):x16}>";
        }

        foreach (var c in b)
        {
            if (c is < 0x20 or >= 0x7F)
            {
                return "0x" + Convert.ToHexString(b);
            }
        }

        return Encoding.ASCII.GetString(b);
    }
}
