using System.Globalization;
using System.Text.Json;
using Vdr.Cdc.Host.Output;
using Vdr.RedisStream;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// The body of <c>vdr-cdc replicate</c>. Output lines:
/// <c>{"kind":"snapshot",...the vdr-cdc rdb fields...}</c>,
/// <c>{"kind":"control","event":"full_resync"|"continue"|"snapshot_end","replid":...,"offset":N}</c>,
/// <c>{"kind":"command","db":N,"offset":O,"args":[&lt;bstr&gt;,...]}</c> with O the offset right after the command.
/// PING, REPLCONF and SELECT are not printed. Every printed line is confirmed as processed (ACKed) once flushed.
/// Exit codes: 0 (done, or stopped by Ctrl-C), 2 (bad arguments, URL or credentials), 1 (other failures).
/// </summary>
internal static class ReplicateRunner
{
    public static async Task<int> RunAsync(RedisReplicaOptions options, string? from, bool snapshotOnly, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ReplicationPosition? start = null;
        RedisReplicationClient client;
        try
        {
            if (from is not null)
            {
                if (snapshotOnly)
                {
                    await stderr.WriteLineAsync("--from and --snapshot-only cannot be combined: a snapshot is only sent on a full resync.").ConfigureAwait(false);
                    return 2;
                }

                start = ReplicationPosition.Parse(from);
            }

            client = new RedisReplicationClient(options);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            await stderr.WriteLineAsync($"vdr-cdc replicate: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (client.ConfigureAwait(false))
        {
            using var writer = new KeyJsonWriter(stdout, new KeyJsonWriterOptions { WritePrefix = (w, _) => w.WriteString("kind"u8, "snapshot"u8) });
            try
            {
                await foreach (var message in client.StartReplicationAsync(start, cancellationToken).ConfigureAwait(false))
                {
                    if (Print(writer, message, stderr) is { } position)
                    {
                        writer.Flush();
                        client.SetProcessedPosition(position);
                    }

                    if (snapshotOnly && message is SnapshotEndMessage)
                    {
                        break;
                    }
                }

                writer.Flush();
                return 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                writer.Flush();
                return 0;
            }
            catch (RedisStreamException ex)
            {
                if (writer.InKey)
                {
                    writer.Abandon();
                }
                else
                {
                    writer.Flush();
                }

                await stderr.WriteLineAsync($"vdr-cdc replicate: {ex.Message}").ConfigureAwait(false);
                return ex is RedisAuthenticationException ? 2 : 1;
            }
        }
    }

    /// <summary>Prints one message; returns the position to confirm once the output is flushed, if any.</summary>
    private static ReplicationPosition? Print(KeyJsonWriter writer, ReplicationMessage message, TextWriter stderr)
    {
        switch (message)
        {
            case SnapshotRecordMessage record:
                writer.Write(record.Record);
                return null;
            case FullResyncMessage full:
                Control(writer, "full_resync", full.ReplicationId, full.Offset);
                return null;
            case ContinueMessage resumed:
                Control(writer, "continue", resumed.ReplicationId, resumed.Offset);
                return null;
            case SnapshotEndMessage end:
                Control(writer, "snapshot_end", end.Position.ReplicationId, end.Position.Offset);
                return end.Position;
            case CommandMessage command:
                Command(writer, command.Db, command.Position.Offset, command.Args);
                return command.Position;
            case TransactionMessage transaction:
                Command(writer, transaction.Db, transaction.MultiEndOffset, [Multi]);
                foreach (var command in transaction.Commands)
                {
                    Command(writer, command.Db, command.Position.Offset, command.Args);
                }

                Command(writer, transaction.Position.Db, transaction.Position.Offset, [Exec]);
                return transaction.Position;
            case HeartbeatMessage heartbeat:
                return heartbeat.Position;
            case DisconnectedMessage disconnected:
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vdr-cdc replicate: {disconnected.Reason} Reconnecting in {disconnected.RetryIn.TotalSeconds:0.0} s."));
                return null;
            default:
                return null;
        }
    }

    private static readonly byte[] Multi = "MULTI"u8.ToArray();
    private static readonly byte[] Exec = "EXEC"u8.ToArray();

    private static void Control(KeyJsonWriter writer, string name, string replicationId, long offset) =>
        writer.WriteLine(json =>
        {
            json.WriteStartObject();
            json.WriteString("kind"u8, "control"u8);
            json.WriteString("event"u8, name);
            json.WriteString("replid"u8, replicationId);
            json.WriteNumber("offset"u8, offset);
            json.WriteEndObject();
        });

    private static void Command(KeyJsonWriter writer, int db, long offset, IReadOnlyList<byte[]> args) =>
        writer.WriteLine(json =>
        {
            json.WriteStartObject();
            json.WriteString("kind"u8, "command"u8);
            json.WriteNumber("db"u8, db);
            json.WriteNumber("offset"u8, offset);
            json.WritePropertyName("args"u8);
            json.WriteStartArray();
            foreach (var arg in args)
            {
                JsonBytes.WriteValue(json, arg);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
}
