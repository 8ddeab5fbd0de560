using Confluent.Kafka;
using Vdr.Cdc.Diagnostics;
using Vdr.Cdc.Events;
using Vdr.RedisStream.Resp;

namespace Vdr.Cdc.Kafka;

// How Kafka errors become retries, aborted transactions or fatal stops.
public sealed partial class TransactionalSink
{
    /// <summary>
    /// Snapshot values are chunked to fit; a single replicated command cannot be split. Nothing after the last
    /// commit is acknowledged to Redis, so a restart with a larger limit resumes before this command.
    /// </summary>
    private KafkaFatalException RecordTooLarge(OutgoingRecord record, int valueLength, KafkaException error)
    {
        Abort();
        return new KafkaFatalException(RecordTooLargeMessage(record, valueLength), error);
    }

    private string RecordTooLargeMessage(OutgoingRecord record, int valueLength)
    {
        var size = valueLength + (record.Key?.Length ?? 0);
        var key = record.Key is { Length: > 0 } k ? RespAscii.Describe(k, max: 200) : "\"\"";
        var what = record.Event?.Command is { } command ? $"the {command.Name} command on key {key}" : $"the {record.Op?.ToString() ?? "tombstone"} event of key {key}";
        return $"Kafka refused {what} for topic {record.Topic}: the record is {size:N0} bytes, more than the producer's message.max.bytes "
            + $"({(_options.ProducerSettings().TryGetValue("message.max.bytes", out var max) ? max : "1000000, librdkafka's default")}). "
            + "Raise Vdr:Cdc:Kafka:Producer:message.max.bytes (and the topic's max.message.bytes on the brokers) above that size and restart: "
            + "the connector resumes from its last committed position, before this command.";
    }

    private void Call(string operation, Action action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                action();
                return;
            }
            catch (KafkaRetriableException e) when (attempt < 10)
            {
                Log.Retrying(_logger, operation, e.Error.Reason, attempt);
            }
            catch (KafkaException e)
            {
                Classify(operation, e);
                throw;
            }
        }
    }

    private void Classify(string operation, KafkaException e)
    {
        // Produce refuses with Local_State once a delivery failure has put the transaction in the abortable state.
        if (e is KafkaTxnRequiresAbortException || (e.Error.Code == ErrorCode.Local_State && !e.Error.IsFatal && _fatalError is null && operation == "Produce"))
        {
            _inTransaction = true;
            Abort();
            throw new TransactionAbortedException($"Kafka {operation} failed and the transaction was aborted: {e.Error.Code}: {e.Error.Reason}", e);
        }

        if (e.Error.IsFatal || e.Error.Code is ErrorCode.Local_Fatal or ErrorCode.ProducerFenced or ErrorCode.Local_Fenced or ErrorCode.InvalidProducerEpoch or ErrorCode.TransactionalIdAuthorizationFailed
            or ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed)
        {
            throw new KafkaFatalException(
                $"Kafka {operation} for connector '{_connector}' failed fatally: {e.Error.Code}: {e.Error.Reason}"
                + (e.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.Local_Fenced ? " (another instance with the same name took over)" : string.Empty),
                e);
        }
    }
}
