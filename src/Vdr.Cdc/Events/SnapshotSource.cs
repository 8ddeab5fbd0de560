using System.Text;
using Google.Protobuf;

namespace Vdr.Cdc.Events;

/// <summary>
/// The <c>Source</c> fields every READ event of one snapshot shares, encoded once: the replication id, connector
/// and server as UTF-8 and the size of the fields that do not change from event to event.
/// </summary>
internal sealed class SnapshotSource
{
    public SnapshotSource(string replicationId, long offset, string connector, string server, ulong epoch)
    {
        ReplicationId = replicationId;
        ReplicationIdUtf8 = Encoding.UTF8.GetBytes(replicationId);
        ConnectorUtf8 = Encoding.UTF8.GetBytes(connector);
        ServerUtf8 = Encoding.UTF8.GetBytes(server);
        Offset = offset;
        Epoch = epoch;
        FixedSize = OptionalBytesSize(ReplicationIdUtf8) + OptionalBytesSize(ConnectorUtf8) + OptionalBytesSize(ServerUtf8)
            + (2 * OptionalInt64Size(offset)) // offset and end_offset
            + 2 // snapshot marker
            + (epoch == 0 ? 0 : 1 + CodedOutputStream.ComputeUInt64Size(epoch));
    }

    public string ReplicationId { get; }

    public byte[] ReplicationIdUtf8 { get; }

    public byte[] ConnectorUtf8 { get; }

    public byte[] ServerUtf8 { get; }

    /// <summary>The snapshot's replication offset: both the offset and the end offset of its events.</summary>
    public long Offset { get; }

    public ulong Epoch { get; }

    /// <summary>Encoded size of the fields above (every field but the event's index and db).</summary>
    public int FixedSize { get; }

    public static int OptionalBytesSize(ReadOnlySpan<byte> bytes) => bytes.Length == 0 ? 0 : BytesFieldSize(bytes.Length);

    public static int BytesFieldSize(int length) => 1 + CodedOutputStream.ComputeLengthSize(length) + length;

    public static int OptionalInt64Size(long value) => value == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(value);
}
