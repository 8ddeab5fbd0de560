using Google.Protobuf;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events;

/// <summary>Raw Protobuf values (the default, without Schema Registry).</summary>
public sealed class ProtobufEventSerializer : IEventSerializer
{
    public static ProtobufEventSerializer Instance { get; } = new();

    public Task PrepareTopicAsync(string topic, CancellationToken cancellationToken) => Task.CompletedTask;

    public byte[] Serialize(string topic, ChangeEvent change) => change.ToByteArray();

    public int Serialize(string topic, ChangeEvent change, ref byte[] buffer)
    {
        var size = change.CalculateSize();
        SerializationBuffer.EnsureCapacity(ref buffer, size);
        change.WriteTo(buffer.AsSpan(0, size));
        return size;
    }

    public int Serialize(string topic, SnapshotReadEvent read, ref byte[] buffer)
    {
        var size = read.CalculateSize();
        SerializationBuffer.EnsureCapacity(ref buffer, size);
        read.WriteTo(buffer);
        return size;
    }
}
