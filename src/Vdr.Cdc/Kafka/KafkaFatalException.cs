namespace Vdr.Cdc.Kafka;

/// <summary>
/// A fatal Kafka producer error (fenced by a newer instance with the same transactional.id, authorization,
/// unsupported version...): the connector stops; a restart resumes from the progress topic.
/// </summary>
public sealed class KafkaFatalException : Exception
{
    public KafkaFatalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
