using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using Vdr.Cdc.Events.Consuming;
using Vdr.Cdc.Host.Apply;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc apply --kafka &lt;bootstrap&gt; --topic-prefix &lt;p&gt; --redis &lt;target-url&gt; [--name &lt;n&gt;] [--exit-when-idle &lt;seconds&gt;]</c>
/// (plus <c>--dead-letter-topic</c>, <c>--state-key</c>, <c>--state-db</c>, <c>--max-batch</c>): replays a connector's change
/// events into a target Redis, in source order across partitions and exactly once (see <see cref="ApplyRunner"/> and
/// Vdr.Cdc.Events' ChangeEventMaterializer). Progress lines go to stderr; the last stdout line is the summary
/// <c>applied=N total_applied=N duplicates_skipped=N dead_lettered=N pending=N position=E:O:P:I</c> (totals are those
/// stored in the target). Exit codes: 0 (idle limit reached, or Ctrl-C), 2 (bad arguments), 1 (a record that could not be
/// decoded or applied without a dead-letter topic, Kafka or target failure; the message names topic, partition, offset).
/// </summary>
public static class ApplyCommand
{
    public static Command Create()
    {
        var kafka = new Option<string>("--kafka") { Description = "Kafka bootstrap servers (host:port[,host:port]).", Required = true };
        var prefix = new Option<string>("--topic-prefix") { Description = "The connector's topic prefix.", DefaultValueFactory = _ => "redis" };
        var redis = new Option<string>("--redis") { Description = "Target Redis URL, redis://[user:password@]host:port (rediss:// for TLS).", Required = true };
        var name = new Option<string>("--name") { Description = "Name of this apply (consumer group vdr-cdc-apply-<name>, state hash vdr-cdc:apply:<name>).", DefaultValueFactory = _ => "default" };
        var idle = new Option<double?>("--exit-when-idle") { Description = "Exit after this many seconds without a new record once everything readable is applied." };
        var deadLetter = new Option<string?>("--dead-letter-topic") { Description = "Write records that cannot be decoded or applied to this topic (with headers saying why) and continue, instead of stopping." };
        var stateKey = new Option<string?>("--state-key") { Description = "Hash in the target that holds the applied position and offsets (default vdr-cdc:apply:<name>)." };
        var stateDb = new Option<int>("--state-db") { Description = "Database of the state hash (default 0).", DefaultValueFactory = _ => 0 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most changes per target MULTI/EXEC (default 2000).", DefaultValueFactory = _ => 2000 };
        var command = new Command("apply", "Replay a connector's change events into a target Redis, exactly once, so that it becomes a copy of the source.")
        {
            kafka,
            prefix,
            redis,
            name,
            idle,
            deadLetter,
            stateKey,
            stateDb,
            maxBatch,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var idleSeconds = parseResult.GetValue(idle);
            var settings = new ApplySettings
            {
                Bootstrap = parseResult.GetValue(kafka)!,
                TopicPrefix = parseResult.GetValue(prefix)!,
                RedisUrl = parseResult.GetValue(redis)!,
                Name = parseResult.GetValue(name)!,
                ExitWhenIdle = idleSeconds is null ? null : TimeSpan.FromSeconds(idleSeconds.Value),
                DeadLetterTopic = parseResult.GetValue(deadLetter),
                StateKey = parseResult.GetValue(stateKey),
                StateDb = parseResult.GetValue(stateDb),
                MaxBatch = parseResult.GetValue(maxBatch),
            };
            return await RunAsync(settings, Console.Out, Console.Error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The whole command with its writers given (tests call it in-process).</summary>
    internal static async Task<int> RunAsync(ApplySettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Validate(settings) is { } problem)
        {
            await stderr.WriteLineAsync($"vdr-cdc apply: {problem}").ConfigureAwait(false);
            return 2;
        }

        var runner = new ApplyRunner(settings, stderr);
        var exitCode = 0;
        try
        {
            await runner.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: what was applied is stored.
        }
        catch (Exception e) when (e is ChangeEventRecordException or KafkaException or InvalidOperationException or IOException
            or System.Net.Sockets.SocketException or FormatException or InvalidDataException)
        {
            await stderr.WriteLineAsync($"vdr-cdc apply: {e.Message}").ConfigureAwait(false);
            exitCode = 1;
        }

        var checkpoint = runner.Checkpoint;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"applied={runner.Applied} total_applied={checkpoint?.EventsApplied ?? 0} duplicates_skipped={checkpoint?.DuplicatesSkipped ?? 0} dead_lettered={runner.DeadLettered} pending={runner.PendingAtExit} position={checkpoint?.Applied?.ToString() ?? "none"}")).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken.IsCancellationRequested ? CancellationToken.None : cancellationToken).ConfigureAwait(false);
        return exitCode;
    }

    private static string? Validate(ApplySettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Bootstrap) || string.IsNullOrWhiteSpace(settings.TopicPrefix) || string.IsNullOrWhiteSpace(settings.RedisUrl))
        {
            return "--kafka, --topic-prefix and --redis must not be empty.";
        }

        try
        {
            Vdr.RedisStream.Transport.RedisUrl.Parse(settings.RedisUrl);
        }
        catch (FormatException e)
        {
            return $"--redis: {e.Message}";
        }

        if (settings.ExitWhenIdle < TimeSpan.Zero)
        {
            return "--exit-when-idle must not be negative.";
        }

        if (settings.StateDb < 0 || settings.MaxBatch < 1 || string.IsNullOrWhiteSpace(settings.Name))
        {
            return "--state-db must be 0 or more, --max-batch 1 or more, --name not empty.";
        }

        if (settings.DeadLetterTopic is { } dlq && (string.IsNullOrWhiteSpace(dlq) || dlq.StartsWith(settings.TopicPrefix + ".", StringComparison.Ordinal)))
        {
            return $"--dead-letter-topic must be a topic outside the prefix '{settings.TopicPrefix}.' (tail and apply read every topic under it).";
        }

        return null;
    }
}
