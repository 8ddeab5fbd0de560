using System.Runtime.InteropServices;
using Google.Protobuf;
using Vdr.Cdc.Events.V1;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Events;

/// <summary>
/// The READ event of one chunk of a snapshot key (string, list, set, sorted set or hash), written in Protobuf
/// wire format straight from the RDB record: a snapshot has one event per key, and building the
/// <see cref="ChangeEvent"/> object tree first (a ByteString and often a message per element) cost as much CPU as
/// decoding the RDB. The bytes are those <see cref="ChangeEvent"/> itself would write, field by field in field
/// order; <see cref="ToChangeEvent"/> reads them back for whoever wants the object.
/// </summary>
public sealed class SnapshotReadEvent
{
    private const int SnapshotMarkerTrue = (int)SnapshotMarker.True;
    private readonly SnapshotSource _source;
    private readonly RdbKeyStart _key;
    private readonly RdbRecord _chunk;
    private readonly uint _index;
    private readonly uint _chunkIndex;
    private readonly bool _isLast;
    private readonly long _tsMs;
    private int _sourceSize = -1;
    private int _valueSize;
    private int _size;

    internal SnapshotReadEvent(SnapshotSource source, RdbKeyStart key, RdbRecord chunk, uint index, uint chunkIndex, bool isLast, long tsMs)
    {
        if (!Supports(chunk))
        {
            throw new ArgumentException($"{chunk.GetType().Name} is not a value chunk this event writes", nameof(chunk));
        }

        _source = source;
        _key = key;
        _chunk = chunk;
        _index = index;
        _chunkIndex = chunkIndex;
        _isLast = isLast;
        _tsMs = tsMs;
    }

    /// <summary>The record kinds written directly; the others (streams, modules) go through <see cref="ChangeEvent"/>.</summary>
    public static bool Supports(RdbRecord chunk) =>
        chunk is RdbStringChunk or RdbListChunk or RdbSetChunk or RdbSortedSetChunk or RdbHashChunk;

    public int CalculateSize()
    {
        if (_sourceSize >= 0)
        {
            return _size;
        }

        _sourceSize = _source.FixedSize + OptionalVarintSize(_index) + (_key.Db == 0 ? 0 : 1 + CodedOutputStream.ComputeInt32Size(_key.Db));
        _valueSize = ValueSize();
        _size = SnapshotSource.BytesFieldSize(_sourceSize)
            + 2 // op
            + SnapshotSource.OptionalBytesSize(_key.Key)
            + SnapshotSource.BytesFieldSize(_valueSize)
            + OptionalVarintSize(_chunkIndex)
            + (_isLast ? 2 : 0)
            + (_key.ExpireAtMs is { } expireAt ? 1 + CodedOutputStream.ComputeInt64Size(expireAt) : 0)
            + (_tsMs == 0 ? 0 : 2 + CodedOutputStream.ComputeInt64Size(_tsMs));
        return _size;
    }

    /// <summary>Writes the event into the first <see cref="CalculateSize"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        var size = CalculateSize();
        if (destination.Length < size)
        {
            throw new ArgumentException($"the event needs {size} bytes, the destination has {destination.Length}", nameof(destination));
        }

        var writer = new ProtoSpanWriter(destination);
        writer.WriteLengthPrefix(ChangeEvent.SourceFieldNumber, _sourceSize);
        WriteSource(ref writer);
        writer.WriteVarintField(ChangeEvent.OpFieldNumber, (ulong)Op.Read);
        writer.WriteOptionalBytesField(ChangeEvent.KeyFieldNumber, _key.Key);
        WriteValue(ref writer);
        if (_chunkIndex != 0)
        {
            writer.WriteVarintField(ChangeEvent.ChunkIndexFieldNumber, _chunkIndex);
        }

        if (_isLast)
        {
            writer.WriteVarintField(ChangeEvent.LastChunkFieldNumber, 1);
        }

        if (_key.ExpireAtMs is { } expireAt)
        {
            writer.WriteVarintField(ChangeEvent.ExpireAtMsFieldNumber, (ulong)expireAt);
        }

        if (_tsMs != 0)
        {
            writer.WriteVarintField(ChangeEvent.TsMsFieldNumber, (ulong)_tsMs);
        }

        if (writer.Position != size)
        {
            throw new InvalidOperationException($"wrote {writer.Position} bytes of a {size}-byte event");
        }
    }

    /// <summary>The event as an object, read back from its bytes.</summary>
    public ChangeEvent ToChangeEvent()
    {
        var bytes = new byte[CalculateSize()];
        WriteTo(bytes);
        return ChangeEvent.Parser.ParseFrom(bytes);
    }

    /// <summary>A chunk's elements as a span: the reader's chunks are lists, walked here without an interface call per element.</summary>
    private static ReadOnlySpan<T> Elements<T>(IReadOnlyList<T> elements) => elements switch
    {
        List<T> list => CollectionsMarshal.AsSpan(list),
        T[] array => array,
        _ => elements.ToArray(),
    };

    private static int OptionalVarintSize(uint value) => value == 0 ? 0 : 1 + CodedOutputStream.ComputeUInt32Size(value);

    private static int ItemsSize(IReadOnlyList<byte[]> items)
    {
        var size = 0;
        foreach (var item in Elements(items))
        {
            size += SnapshotSource.BytesFieldSize(item.Length);
        }

        return size;
    }

    private static int MemberSize(in RdbScoredMember member) =>
        SnapshotSource.OptionalBytesSize(member.Member) + (member.Score != 0d ? 9 : 0);

    private static int FieldSize(in RdbHashField field) =>
        SnapshotSource.OptionalBytesSize(field.Field) + SnapshotSource.OptionalBytesSize(field.Value)
        + (field.ExpireAtMs is { } at ? 1 + CodedOutputStream.ComputeInt64Size(at) : 0);

    private int ValueSize()
    {
        switch (_chunk)
        {
            case RdbStringChunk s:
                return (s.Offset == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(s.Offset)) + SnapshotSource.OptionalBytesSize(s.Bytes);
            case RdbListChunk l:
                return ItemsSize(l.Items);
            case RdbSetChunk s:
                return ItemsSize(s.Members);
            case RdbSortedSetChunk z:
                var zsize = 0;
                foreach (ref readonly var member in Elements(z.Members))
                {
                    zsize += SnapshotSource.BytesFieldSize(MemberSize(member));
                }

                return zsize;
            default:
                var hash = (RdbHashChunk)_chunk;
                var hsize = 0;
                foreach (ref readonly var field in Elements(hash.Fields))
                {
                    hsize += SnapshotSource.BytesFieldSize(FieldSize(field));
                }

                return hsize;
        }
    }

    private void WriteSource(ref ProtoSpanWriter writer)
    {
        writer.WriteOptionalBytesField(Source.ReplicationIdFieldNumber, _source.ReplicationIdUtf8);
        if (_source.Offset != 0)
        {
            writer.WriteVarintField(Source.OffsetFieldNumber, (ulong)_source.Offset);
        }

        if (_index != 0)
        {
            writer.WriteVarintField(Source.IndexFieldNumber, _index);
        }

        if (_key.Db != 0)
        {
            writer.WriteVarintField(Source.DbFieldNumber, (ulong)(long)_key.Db);
        }

        writer.WriteOptionalBytesField(Source.ConnectorFieldNumber, _source.ConnectorUtf8);
        writer.WriteOptionalBytesField(Source.ServerFieldNumber, _source.ServerUtf8);
        writer.WriteVarintField(Source.SnapshotFieldNumber, SnapshotMarkerTrue);
        if (_source.Epoch != 0)
        {
            writer.WriteVarintField(Source.SnapshotEpochFieldNumber, _source.Epoch);
        }

        if (_source.Offset != 0)
        {
            writer.WriteVarintField(Source.EndOffsetFieldNumber, (ulong)_source.Offset);
        }
    }

    private void WriteValue(ref ProtoSpanWriter writer)
    {
        switch (_chunk)
        {
            case RdbStringChunk s:
                writer.WriteLengthPrefix(ChangeEvent.StringValueFieldNumber, _valueSize);
                if (s.Offset != 0)
                {
                    writer.WriteVarintField(StringValue.OffsetFieldNumber, (ulong)s.Offset);
                }

                writer.WriteOptionalBytesField(StringValue.DataFieldNumber, s.Bytes);
                break;
            case RdbListChunk l:
                writer.WriteLengthPrefix(ChangeEvent.ListValueFieldNumber, _valueSize);
                WriteItems(ref writer, ListValue.ItemsFieldNumber, l.Items);
                break;
            case RdbSetChunk s:
                writer.WriteLengthPrefix(ChangeEvent.SetValueFieldNumber, _valueSize);
                WriteItems(ref writer, SetValue.MembersFieldNumber, s.Members);
                break;
            case RdbSortedSetChunk z:
                writer.WriteLengthPrefix(ChangeEvent.SortedSetValueFieldNumber, _valueSize);
                foreach (ref readonly var member in Elements(z.Members))
                {
                    writer.WriteLengthPrefix(SortedSetValue.MembersFieldNumber, MemberSize(member));
                    writer.WriteOptionalBytesField(ScoredMember.MemberFieldNumber, member.Member);
                    if (member.Score != 0d)
                    {
                        writer.WriteDoubleField(ScoredMember.ScoreFieldNumber, member.Score);
                    }
                }

                break;
            default:
                var hash = (RdbHashChunk)_chunk;
                writer.WriteLengthPrefix(ChangeEvent.HashValueFieldNumber, _valueSize);
                foreach (ref readonly var field in Elements(hash.Fields))
                {
                    writer.WriteLengthPrefix(HashValue.FieldsFieldNumber, FieldSize(field));
                    writer.WriteOptionalBytesField(HashField.FieldFieldNumber, field.Field);
                    writer.WriteOptionalBytesField(HashField.ValueFieldNumber, field.Value);
                    if (field.ExpireAtMs is { } at)
                    {
                        writer.WriteVarintField(HashField.ExpireAtMsFieldNumber, (ulong)at);
                    }
                }

                break;
        }
    }

    private static void WriteItems(ref ProtoSpanWriter writer, int field, IReadOnlyList<byte[]> items)
    {
        foreach (var item in Elements(items))
        {
            writer.WriteBytesField(field, item);
        }
    }
}
