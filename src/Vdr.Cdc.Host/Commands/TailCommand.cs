using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Confluent.Kafka;
using Vdr.Cdc.Events.Framing;
using ChangeEvent = Vdr.Cdc.Events.V1.ChangeEvent;
using ControlKind = Vdr.Cdc.Events.V1.ControlKind;
using Op = Vdr.Cdc.Events.V1.Op;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc tail --kafka &lt;bootstrap&gt; --topic-prefix &lt;p&gt; [--from-beginning] [--exit-when-idle &lt;seconds&gt;]</c>:
/// reads the connector's data topics (every topic <c>&lt;p&gt;.*</c> but <c>&lt;p&gt;.progress</c>, read_committed) and prints
/// each event as one JSON line (<see cref="TailEventJson"/>). Raw Protobuf and Schema Registry framing are both read.
/// Exit codes: 0 (idle limit reached, or Ctrl-C), 2 (bad arguments), 1 (Kafka or decoding failure).
/// </summary>
public static class TailCommand
{
    public static Command Create()
    {
        var kafka = new Option<string>("--kafka") { Description = "Kafka bootstrap servers (host:port[,host:port]).", Required = true };
        var prefix = new Option<string>("--topic-prefix") { Description = "The connector's topic prefix.", DefaultValueFactory = _ => "redis" };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the oldest records (default: only new ones)." };
        var idle = new Option<double?>("--exit-when-idle") { Description = "Exit after this many seconds without a new record." };
        var markers = new Option<bool>("--show-commit-markers") { Description = "Also print the CONTROL commit markers (hidden by default: they order events across partitions for consumers like apply)." };
        var command = new Command("tail", "Print the change events of a connector's Kafka topics as JSON lines.")
        {
            kafka,
            prefix,
            fromBeginning,
            idle,
            markers,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var stdout = Console.OpenStandardOutput();
            var idleSeconds = parseResult.GetValue(idle);
            return await RunAsync(
                parseResult.GetValue(kafka)!,
                parseResult.GetValue(prefix)!,
                parseResult.GetValue(fromBeginning),
                idleSeconds is null ? null : TimeSpan.FromSeconds(idleSeconds.Value),
                parseResult.GetValue(markers),
                stdout,
                Console.Error,
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The whole command with its streams given (tests call it in-process).</summary>
    public static Task<int> RunAsync(string bootstrap, string prefix, bool fromBeginning, TimeSpan? exitWhenIdle, Stream stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(bootstrap, prefix, fromBeginning, exitWhenIdle, showCommitMarkers: false, stdout, stderr, cancellationToken);

    /// <summary>As above; <paramref name="showCommitMarkers"/> also prints the CONTROL commit markers.</summary>
    public static async Task<int> RunAsync(string bootstrap, string prefix, bool fromBeginning, TimeSpan? exitWhenIdle, bool showCommitMarkers, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (string.IsNullOrWhiteSpace(bootstrap) || string.IsNullOrWhiteSpace(prefix) || exitWhenIdle < TimeSpan.Zero)
        {
            await stderr.WriteLineAsync("vdr-cdc tail: --kafka and --topic-prefix must not be empty; --exit-when-idle must not be negative.").ConfigureAwait(false);
            return 2;
        }

        try
        {
            return await Task.Run(() => Tail(bootstrap, prefix, fromBeginning, exitWhenIdle, stdout, showCommitMarkers, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is KafkaException or FormatException or Google.Protobuf.InvalidProtocolBufferException)
        {
            await stderr.WriteLineAsync($"vdr-cdc tail: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static int Tail(string bootstrap, string prefix, bool fromBeginning, TimeSpan? exitWhenIdle, Stream stdout, bool showCommitMarkers, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "vdr-cdc-tail-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        using var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        var lastRecord = DateTime.UtcNow;
        var nextScan = DateTime.MinValue;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (DateTime.UtcNow >= nextScan)
            {
                // Topics appearing after the first scan are read from their beginning: nothing of them was seen yet.
                AssignNewTopics(admin, consumer, prefix, fromBeginning || nextScan != DateTime.MinValue, assigned);
                nextScan = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            }

            var result = assigned.Count == 0 ? null : consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null || result.IsPartitionEOF)
            {
                if (assigned.Count == 0)
                {
                    Thread.Sleep(200);
                }

                if (exitWhenIdle is { } idle && DateTime.UtcNow - lastRecord >= idle)
                {
                    return 0;
                }

                continue;
            }

            lastRecord = DateTime.UtcNow;
            var value = result.Message.Value;
            if (value is null)
            {
                TailEventJson.WriteTombstone(json, result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key);
            }
            else
            {
                var payload = value.AsSpan();
                if (payload.Length > 0 && payload[0] == ConfluentWireFormat.MagicByte)
                {
                    payload = payload[ConfluentWireFormat.ReadHeader(payload).HeaderLength..];
                }

                var change = ChangeEvent.Parser.ParseFrom(payload);
                if (!showCommitMarkers && change.Op == Op.Control && change.Control?.Kind == ControlKind.Commit)
                {
                    continue;
                }

                TailEventJson.WriteEvent(json, result.Topic, result.Partition.Value, result.Offset.Value, change);
            }

            json.Flush();
            json.Reset();
            stdout.WriteByte((byte)'\n');
            stdout.Flush();
        }
    }

    private static void AssignNewTopics(IAdminClient admin, IConsumer<byte[], byte[]> consumer, string prefix, bool fromBeginning, HashSet<string> assigned)
    {
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var added = new List<TopicPartitionOffset>();
        foreach (var topic in metadata.Topics)
        {
            if (!topic.Topic.StartsWith(prefix + ".", StringComparison.Ordinal) || topic.Topic == prefix + ".progress"
                || topic.Partitions.Count == 0 || !assigned.Add(topic.Topic))
            {
                continue;
            }

            var offset = fromBeginning ? Offset.Beginning : Offset.End;
            added.AddRange(topic.Partitions.Select(p => new TopicPartitionOffset(topic.Topic, p.PartitionId, offset)));
        }

        if (added.Count > 0)
        {
            consumer.IncrementalAssign(added);
        }
    }
}
