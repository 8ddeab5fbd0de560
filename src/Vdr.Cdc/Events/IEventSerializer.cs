using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events;

/// <summary>Turns a change event into a Kafka record value for a topic.</summary>
public interface IEventSerializer
{
    /// <summary>Prepares whatever the topic needs (e.g. registers the schema); called before the first event of a topic.</summary>
    Task PrepareTopicAsync(string topic, CancellationToken cancellationToken);

    byte[] Serialize(string topic, ChangeEvent change);

    /// <summary>
    /// Writes the value into <paramref name="buffer"/> (replaced by a larger array when too small) and returns its
    /// length: the hot path reuses one buffer instead of allocating an array per record.
    /// </summary>
    int Serialize(string topic, ChangeEvent change, ref byte[] buffer);

    /// <summary>The same for a snapshot READ event in its direct form (written from the RDB record, no object tree).</summary>
    int Serialize(string topic, SnapshotReadEvent read, ref byte[] buffer);
}
