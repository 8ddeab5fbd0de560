using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Vdr.Cdc.Events.Consuming;

namespace Vdr.Cdc.Host.Apply;

/// <summary>
/// Writes refused records, unchanged (key and value bytes), to a dead-letter topic with headers saying why:
/// <c>vdr-cdc.problem</c> (NotAChangeEvent, FutureVersion, Rejected, Unsupported), <c>vdr-cdc.reason</c>, and the
/// original <c>vdr-cdc.topic</c>, <c>vdr-cdc.partition</c>, <c>vdr-cdc.offset</c>. Each write is acknowledged before
/// apply moves past the record.
/// </summary>
internal sealed class DeadLetterWriter : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;

    public DeadLetterWriter(string bootstrap, string topic)
    {
        Topic = topic;
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            Acks = Acks.All,
        }).SetLogHandler((_, _) => { }).Build();
    }

    public string Topic { get; }

    public long Written { get; private set; }

    public async ValueTask WriteAsync(RecordLocation location, byte[]? key, byte[]? value, RecordProblem problem, string reason, CancellationToken cancellationToken)
    {
        var headers = new Headers
        {
            { "vdr-cdc.problem", Encoding.UTF8.GetBytes(problem.ToString()) },
            { "vdr-cdc.reason", Encoding.UTF8.GetBytes(reason) },
            { "vdr-cdc.topic", Encoding.UTF8.GetBytes(location.Topic) },
            { "vdr-cdc.partition", Encoding.UTF8.GetBytes(location.Partition.ToString(CultureInfo.InvariantCulture)) },
            { "vdr-cdc.offset", Encoding.UTF8.GetBytes(location.Offset.ToString(CultureInfo.InvariantCulture)) },
        };
        await _producer.ProduceAsync(Topic, new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers }, cancellationToken).ConfigureAwait(false);
        Written++;
    }

    public void Dispose() => _producer.Dispose();
}
