using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Events;

/// <summary>Turns a change event into a Kafka record value for a topic.</summary>
public interface IEventSerializer
{
    /// <summary>Prepares whatever the topic needs (e.g. registers the schema); called before the first event of a topic.</summary>
    Task PrepareTopicAsync(string topic, CancellationToken cancellationToken);

    byte[] Serialize(string topic, ChangeEvent change);
}
