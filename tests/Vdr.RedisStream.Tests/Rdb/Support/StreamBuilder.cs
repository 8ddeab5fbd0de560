namespace Vdr.RedisStream.Tests.Rdb.Support;

/// <summary>Builds the listpack of one stream node the way Redis's streamAppendItem lays it out.</summary>
public sealed class StreamNodeBuilder(ulong masterMs, ulong masterSeq, params string[] masterFields)
{
    private readonly List<Element> _entries = [];
    private int _count;
    private int _deleted;

    public ulong MasterMs { get; } = masterMs;

    public ulong MasterSeq { get; } = masterSeq;

    /// <summary>An entry; SAMEFIELDS is used when its fields are exactly the master fields.</summary>
    public StreamNodeBuilder Add(ulong ms, ulong seq, bool deleted, params (string Field, string Value)[] fields)
    {
        var same = fields.Select(f => f.Field).SequenceEqual(masterFields);
        var flags = (deleted ? 1 : 0) | (same ? 2 : 0);
        _entries.Add(flags);
        _entries.Add((long)(ms - MasterMs));
        _entries.Add((long)(seq - MasterSeq));
        if (same)
        {
            _entries.AddRange(fields.Select(f => (Element)f.Value));
            _entries.Add(fields.Length + 3);
        }
        else
        {
            _entries.Add(fields.Length);
            foreach (var (field, value) in fields)
            {
                _entries.Add(field);
                _entries.Add(value);
            }

            _entries.Add((fields.Length * 2) + 4);
        }

        if (deleted)
        {
            _deleted++;
        }
        else
        {
            _count++;
        }

        return this;
    }

    public byte[] Listpack()
    {
        var all = new List<Element> { _count, _deleted, masterFields.Length };
        all.AddRange(masterFields.Select(f => (Element)f));
        all.Add(0);
        all.AddRange(_entries);
        return CompactBuilders.Listpack(all);
    }

    /// <summary>The 16-byte big-endian master id (a rax key).</summary>
    public byte[] MasterKey()
    {
        var b = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, MasterMs);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), MasterSeq);
        return b;
    }
}
