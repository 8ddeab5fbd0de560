using System.IO.Pipelines;
using Vdr.RedisStream.Rdb;

namespace Vdr.RedisStream.Tests.RdbRedis;

/// <summary>
/// Everything an <see cref="RdbReader"/> yields for a dump, reassembled: the keys as <see cref="KeyModel"/>s and the
/// other records. Also checks the record protocol on the way (KeyStart, chunks numbered from 0 with IsLast only on the
/// last, KeyEnd with the element count).
/// </summary>
public sealed class DecodedDump
{
    public List<KeyModel> Keys { get; } = [];

    public List<RdbRecord> OtherRecords { get; } = [];

    public long BytesConsumed { get; private set; }

    public static async Task<DecodedDump> ReadAsync(PipeReader input, RdbReaderOptions? options = null)
    {
        await using var reader = new RdbReader(input, options);
        return await ReadAsync(reader);
    }

    public static async Task<DecodedDump> ReadAsync(RdbReader reader)
    {
        var dump = new DecodedDump();
        KeyBuilder? key = null;
        while (await reader.ReadAsync())
        {
            var record = reader.Current;
            switch (record)
            {
                case RdbKeyStart start:
                    Assert.Null(key);
                    key = new KeyBuilder(start);
                    break;
                case RdbKeyEnd end:
                    Assert.NotNull(key);
                    dump.Keys.Add(key.Finish(end));
                    key = null;
                    break;
                case RdbStreamMetadata or RdbModuleValue or RdbStringChunk or RdbListChunk or RdbSetChunk or RdbSortedSetChunk or RdbHashChunk or RdbStreamEntriesChunk:
                    Assert.NotNull(key);
                    key.Add(record);
                    break;
                default:
                    Assert.Null(key);
                    dump.OtherRecords.Add(record);
                    break;
            }
        }

        Assert.Null(key);
        dump.BytesConsumed = reader.BytesConsumed;
        return dump;
    }

    private sealed class KeyBuilder(RdbKeyStart start)
    {
        private readonly List<byte[]> _items = [];
        private readonly List<(byte[] Member, double Score)> _scored = [];
        private readonly List<(byte[] Field, byte[] Value)> _fields = [];
        private readonly List<(string Id, IEnumerable<(byte[], byte[])> Fields)> _entries = [];
        private readonly MemoryStream _string = new();
        private RdbStreamMetadata? _metadata;
        private int _nextChunk;
        private bool _sawLast;

        public void Add(RdbRecord record)
        {
            switch (record)
            {
                case RdbStringChunk c:
                    Chunk(c.Index, c.IsLast);
                    Assert.Equal(_string.Length, c.Offset);
                    _string.Write(c.Bytes);
                    break;
                case RdbListChunk c:
                    Chunk(c.Index, c.IsLast);
                    _items.AddRange(c.Items);
                    break;
                case RdbSetChunk c:
                    Chunk(c.Index, c.IsLast);
                    _items.AddRange(c.Members);
                    break;
                case RdbSortedSetChunk c:
                    Chunk(c.Index, c.IsLast);
                    _scored.AddRange(c.Members.Select(m => (m.Member, m.Score)));
                    break;
                case RdbHashChunk c:
                    Chunk(c.Index, c.IsLast);
                    Assert.All(c.Fields, f => Assert.Null(f.ExpireAtMs));
                    _fields.AddRange(c.Fields.Select(f => (f.Field, f.Value)));
                    break;
                case RdbStreamEntriesChunk c:
                    Chunk(c.Index, c.IsLast);
                    _entries.AddRange(c.Entries.Select(e => (e.Id.ToString(), (IEnumerable<(byte[], byte[])>)e.Fields.Select(f => (f.Key, f.Value)).ToList())));
                    break;
                case RdbStreamMetadata m:
                    Assert.True(_sawLast, "stream metadata before the last entries chunk");
                    _metadata = m;
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected {record.GetType().Name} in a key.");
            }
        }

        public KeyModel Finish(RdbKeyEnd end)
        {
            Assert.True(_sawLast, "key ended without a last chunk");
            Assert.Equal(start.Db, end.Db);
            Assert.Equal(start.Key, end.Key);
            var (type, value, count) = start.Type switch
            {
                RdbValueType.String => ("string", KeyModel.Show(_string.ToArray()), _string.Length),
                RdbValueType.List => ("list", KeyModel.List(_items), _items.Count),
                RdbValueType.Set => ("set", KeyModel.Set(_items), _items.Count),
                RdbValueType.SortedSet => ("zset", KeyModel.ZSet(RankOrder(_scored)), _scored.Count),
                RdbValueType.Hash => ("hash", KeyModel.Hash(_fields), _fields.Count),
                RdbValueType.Stream => ("stream", StreamValue(), _entries.Count),
                _ => throw new InvalidOperationException($"Unexpected type {start.Type}."),
            };
            Assert.Equal(count, end.ElementCount);
            return new KeyModel(start.Db, KeyModel.Show(start.Key), type, start.Encoding, start.ExpireAtMs, value);
        }

        private string StreamValue()
        {
            var m = _metadata ?? throw new InvalidOperationException("stream without metadata");
            return KeyModel.Stream(m.Length, m.LastId.ToString(), _entries, m.Groups.Select(g =>
            {
                Assert.Equal(g.Pending.Count, g.Consumers.Sum(c => c.Pending.Count));
                return (g.Name, g.LastDeliveredId.ToString(), (long)g.Pending.Count, g.Consumers.Select(c => (c.Name, (long)c.Pending.Count)));
            }));
        }

        private IEnumerable<(byte[] Member, double Score)> RankOrder(List<(byte[] Member, double Score)> members)
        {
            if (start.Encoding is RdbEncoding.ZSetListpack or RdbEncoding.ZSetZiplist)
            {
                // Compact encodings are stored in rank order: no sorting, so a wrong order would show.
                return members;
            }

            return members.OrderBy(m => m.Score).ThenBy(m => m.Member, ByteOrder.Instance);
        }

        private void Chunk(int index, bool isLast)
        {
            Assert.False(_sawLast, "chunk after the last chunk");
            Assert.Equal(_nextChunk++, index);
            _sawLast = isLast;
        }
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
