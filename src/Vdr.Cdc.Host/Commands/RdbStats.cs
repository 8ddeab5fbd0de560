using System.Globalization;
using System.Text;
using Vdr.Cdc.Host.Output;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// What <c>vdr-cdc rdb --stats</c> counts while the records go by: RDB version, AUX fields, keys per database,
/// type and encoding, and the biggest keys by element count and by bytes in the file. Memory stays bounded
/// (only the top keys are kept).
/// </summary>
public sealed class RdbStats
{
    private const int TopCount = 10;

    private readonly SortedDictionary<int, DbStats> _dbs = [];
    private readonly List<KeyValuePair<byte[], byte[]>> _aux = [];
    private readonly PriorityQueue<BigKey, long> _byElements = new();
    private readonly PriorityQueue<BigKey, long> _byBytes = new();
    private RdbKeyStart? _key;
    private long _keyStartOffset;
    private long _previousOffset;

    public string? Magic { get; private set; }

    public int Version { get; private set; }

    public IReadOnlyList<KeyValuePair<byte[], byte[]>> Aux => _aux;

    public long Keys { get; private set; }

    public long KeysWithExpiry { get; private set; }

    public int Functions { get; private set; }

    public List<string> ModuleAux { get; } = [];

    public RdbEnd? End { get; private set; }

    public IReadOnlyDictionary<int, DbStats> Databases => _dbs;

    /// <summary>The biggest keys by element count (string: bytes), biggest first.</summary>
    public IReadOnlyList<BigKey> BiggestByElements => Ordered(_byElements);

    /// <summary>The biggest keys by the bytes they take in the file (expiry, type, name and value), biggest first.</summary>
    public IReadOnlyList<BigKey> BiggestByBytes => Ordered(_byBytes);

    /// <summary>Counts one record; <paramref name="bytesConsumed"/> is the reader's position right after it.</summary>
    public void Add(RdbRecord record, long bytesConsumed)
    {
        ArgumentNullException.ThrowIfNull(record);
        switch (record)
        {
            case RdbHeader header:
                Magic = header.Magic;
                Version = header.Version;
                break;
            case RdbAux aux:
                _aux.Add(new(aux.Key, aux.Value));
                break;
            case RdbFunction:
                Functions++;
                break;
            case RdbModuleAux moduleAux:
                ModuleAux.Add(moduleAux.ModuleName);
                break;
            case RdbKeyStart start:
                // The reader may have read ahead into the value already: the key's bytes start where the
                // previous record ended (they include the expiry, type byte and key name).
                _key = start;
                _keyStartOffset = _previousOffset;
                break;
            case RdbKeyEnd end when _key is { } key:
                AddKey(key, end.ElementCount, bytesConsumed - _keyStartOffset);
                _key = null;
                break;
            case RdbEnd end:
                End = end;
                break;
            default:
                break;
        }

        _previousOffset = bytesConsumed;
    }

    private void AddKey(RdbKeyStart key, long elements, long bytes)
    {
        Keys++;
        if (!_dbs.TryGetValue(key.Db, out var db))
        {
            db = new DbStats();
            _dbs.Add(key.Db, db);
        }

        db.Keys++;
        if (key.ExpireAtMs is not null)
        {
            KeysWithExpiry++;
            db.KeysWithExpiry++;
        }

        var typeName = KeyJsonWriter.TypeName(key.Type);
        var byType = db.Types.TryGetValue(typeName, out var t) ? t : db.Types[typeName] = new TypeStats();
        byType.Keys++;
        byType.Elements += elements;
        byType.Bytes += bytes;
        var encodingName = key.Encoding.ToString();
        byType.Encodings[encodingName] = byType.Encodings.GetValueOrDefault(encodingName) + 1;

        var big = new BigKey(key.Db, key.Key, typeName, encodingName, elements, bytes);
        Offer(_byElements, big, elements);
        Offer(_byBytes, big, bytes);
    }

    private static void Offer(PriorityQueue<BigKey, long> top, BigKey key, long size)
    {
        if (top.Count < TopCount)
        {
            top.Enqueue(key, size);
        }
        else if (top.TryPeek(out _, out var smallest) && size > smallest)
        {
            top.DequeueEnqueue(key, size);
        }
    }

    private static List<BigKey> Ordered(PriorityQueue<BigKey, long> top) =>
        [.. top.UnorderedItems.OrderByDescending(i => i.Priority).Select(i => i.Element)];

    /// <summary>The human-readable summary.</summary>
    public string Format(string path, long fileBytes)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"File:       {path} ({fileBytes:N0} bytes)");
        text.AppendLine(inv, $"Format:     {Magic} RDB version {Version}");
        text.AppendLine(End switch
        {
            null => "Checksum:   (no EOF reached)",
            { Checksum: 0 } => "Checksum:   disabled (0)",
            _ => string.Create(inv, $"Checksum:   {End.Checksum:x16}{(End.ChecksumVerified ? " (verified)" : " (not verified)")}"),
        });
        text.AppendLine(inv, $"Keys:       {Keys:N0} ({KeysWithExpiry:N0} with expiry) in {_dbs.Count} database(s)");
        text.AppendLine(inv, $"Functions:  {Functions} librar{(Functions == 1 ? "y" : "ies")}");
        if (ModuleAux.Count > 0)
        {
            text.AppendLine(inv, $"Module AUX: {string.Join(", ", ModuleAux)}");
        }

        text.AppendLine();
        text.AppendLine("AUX fields:");
        foreach (var (key, value) in _aux)
        {
            text.AppendLine(inv, $"  {Show(key),-16} {Show(value)}");
        }

        foreach (var (dbIndex, db) in _dbs)
        {
            text.AppendLine();
            text.AppendLine(inv, $"db {dbIndex}: {db.Keys:N0} keys ({db.KeysWithExpiry:N0} with expiry)");
            text.AppendLine(inv, $"  {"type",-8} {"keys",12} {"elements",14} {"rdb bytes",16}  encodings");
            foreach (var (typeName, type) in db.Types.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                var encodings = string.Join(", ", type.Encodings.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => string.Create(inv, $"{e.Key} {e.Value:N0}")));
                text.AppendLine(inv, $"  {typeName,-8} {type.Keys,12:N0} {type.Elements,14:N0} {type.Bytes,16:N0}  {encodings}");
            }
        }

        AppendTop(text, "Biggest keys by element count (strings: bytes):", BiggestByElements);
        AppendTop(text, "Biggest keys by bytes in the file:", BiggestByBytes);
        return text.ToString();
    }

    private static void AppendTop(StringBuilder text, string title, IReadOnlyList<BigKey> keys)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine(title);
        var rank = 1;
        foreach (var key in keys)
        {
            text.AppendLine(inv, $"  {rank++,2}. db {key.Db} {Show(key.Key)} {key.Type} ({key.Encoding}): {key.Elements:N0} elements, {key.Bytes:N0} bytes");
        }
    }

    /// <summary>Bytes as text for a human: UTF-8 in quotes when valid, else hex; long values are cut.</summary>
    private static string Show(byte[] bytes)
    {
        const int Max = 64;
        var shown = bytes.AsSpan(0, Math.Min(bytes.Length, Max));
        var text = System.Text.Unicode.Utf8.IsValid(shown)
            ? "\"" + Encoding.UTF8.GetString(shown).Replace("\n", "\\n", StringComparison.Ordinal) + "\""
            : "0x" + Convert.ToHexStringLower(shown);
        return bytes.Length > Max ? text + $"... ({bytes.Length} bytes)" : text;
    }

    /// <summary>Counts of one database.</summary>
    public sealed class DbStats
    {
        public long Keys { get; set; }

        public long KeysWithExpiry { get; set; }

        public SortedDictionary<string, TypeStats> Types { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Counts of one type in one database.</summary>
    public sealed class TypeStats
    {
        public long Keys { get; set; }

        public long Elements { get; set; }

        public long Bytes { get; set; }

        public SortedDictionary<string, long> Encodings { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A key among the biggest.</summary>
    public sealed record BigKey(int Db, byte[] Key, string Type, string Encoding, long Elements, long Bytes);
}
