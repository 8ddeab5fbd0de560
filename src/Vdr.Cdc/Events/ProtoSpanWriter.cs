using System.Buffers.Binary;
using Google.Protobuf;

namespace Vdr.Cdc.Events;

/// <summary>
/// Writes Protobuf wire format into a span the caller sized exactly (the sizes come from
/// <see cref="CodedOutputStream"/>'s Compute* methods). Only what <see cref="SnapshotReadEvent"/> needs.
/// </summary>
internal ref struct ProtoSpanWriter(Span<byte> destination)
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;

    private readonly Span<byte> _destination = destination;
    private int _position;

    public readonly int Position => _position;

    public void WriteVarintField(int field, ulong value)
    {
        WriteTag(field, WireVarint);
        WriteVarint(value);
    }

    public void WriteDoubleField(int field, double value)
    {
        WriteTag(field, WireFixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(_destination[_position..], value);
        _position += 8;
    }

    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteLengthPrefix(field, value.Length);
        value.CopyTo(_destination[_position..]);
        _position += value.Length;
    }

    /// <summary>A bytes or string field that proto3 leaves out when empty.</summary>
    public void WriteOptionalBytesField(int field, ReadOnlySpan<byte> value)
    {
        if (value.Length != 0)
        {
            WriteBytesField(field, value);
        }
    }

    /// <summary>The tag and length of an embedded message; its fields follow.</summary>
    public void WriteLengthPrefix(int field, int length)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((uint)length);
    }

    private void WriteTag(int field, int wireType) => WriteVarint((uint)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _destination[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _destination[_position++] = (byte)value;
    }
}
