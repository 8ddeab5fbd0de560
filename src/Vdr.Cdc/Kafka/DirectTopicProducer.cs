using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Vdr.Cdc.Kafka;

/// <summary>
/// Produces into a known partition through librdkafka's <c>rd_kafka_produce_batch</c> with one topic handle per topic,
/// on the same <c>rd_kafka_t</c> as a Confluent.Kafka producer (so its transactions cover these records).
/// Confluent.Kafka's <c>Produce</c> marshals the topic name into freshly allocated native memory and has librdkafka
/// look the topic up on every call: that was about 40 % of the produce cost of a snapshot. Values and keys are
/// copied by librdkafka (<c>RD_KAFKA_MSG_F_COPY</c>); no delivery handler is attached, as with our Confluent calls.
/// </summary>
internal sealed unsafe class DirectTopicProducer : IDisposable
{
    private const int MsgFlagCopy = 0x2;

    private readonly IntPtr _rk;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr> _topicNew;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> _topicDestroy;
    private readonly delegate* unmanaged[Cdecl]<int> _lastError;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, int, NativeMessage*, int, int> _produceBatch;
    private readonly Dictionary<string, IntPtr> _topics = new(StringComparer.Ordinal);
    private bool _disposed;

    private DirectTopicProducer(IntPtr rk)
    {
        _rk = rk;
        _topicNew = (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr>)LibrdkafkaNative.Export("rd_kafka_topic_new");
        _topicDestroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)LibrdkafkaNative.Export("rd_kafka_topic_destroy");
        _lastError = (delegate* unmanaged[Cdecl]<int>)LibrdkafkaNative.Export("rd_kafka_last_error");
        _produceBatch = (delegate* unmanaged[Cdecl]<IntPtr, int, int, NativeMessage*, int, int>)LibrdkafkaNative.Export("rd_kafka_produce_batch");
    }

    /// <summary>Binds to <paramref name="producer"/>'s handle; null when librdkafka's exports cannot be reached (then use Confluent.Kafka).</summary>
    public static DirectTopicProducer? TryCreate(IClient producer, out string? reason)
    {
        try
        {
            reason = null;
            return new DirectTopicProducer(LibrdkafkaNative.RawHandle(producer));
        }
        catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or IOException)
        {
            reason = e.Message;
            return null;
        }
    }

    /// <summary>The topic handle (created once per topic; released by <see cref="Dispose"/>).</summary>
    public IntPtr Topic(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_topics.TryGetValue(name, out var topic))
        {
            return topic;
        }

        var utf8 = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = utf8)
        {
            topic = _topicNew(_rk, p, IntPtr.Zero);
        }

        if (topic == IntPtr.Zero)
        {
            throw new KafkaException(new Error((ErrorCode)_lastError(), $"rd_kafka_topic_new({name}) failed"));
        }

        _topics.Add(name, topic);
        return topic;
    }

    /// <summary>
    /// Enqueues <paramref name="messages"/> into one partition under one partition lock (payloads and keys are
    /// copied); returns how many were queued. The others carry their error in <see cref="NativeMessage.Err"/>.
    /// </summary>
    public int ProduceBatch(IntPtr topic, int partition, Span<NativeMessage> messages)
    {
        fixed (NativeMessage* m = messages)
        {
            return _produceBatch(topic, partition, MsgFlagCopy, m, messages.Length);
        }
    }

    /// <summary>librdkafka's <c>rd_kafka_message_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct NativeMessage
    {
        public int Err;
        public IntPtr Topic;
        public int Partition;
        public byte* Payload;
        public nuint Length;
        public byte* Key;
        public nuint KeyLength;
        public long Offset;
        public IntPtr Private;
    }

    /// <summary>Releases the topic handles; call before the producer is disposed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var topic in _topics.Values)
        {
            _topicDestroy(topic);
        }

        _topics.Clear();
    }
}
