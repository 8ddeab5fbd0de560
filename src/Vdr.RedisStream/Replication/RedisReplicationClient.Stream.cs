using System.Buffers.Text;
using System.IO.Pipelines;
using System.Threading.Channels;
using Vdr.RedisStream.Diagnostics;
using Vdr.RedisStream.Resp;

namespace Vdr.RedisStream.Replication;

public sealed partial class RedisReplicationClient
{
    private int _db;

    /// <summary>
    /// Decodes the command stream from <paramref name="startOffset"/>. Every frame advances the offset by its exact
    /// size. PING, REPLCONF and SELECT are consumed here; MULTI…EXEC becomes one <see cref="TransactionMessage"/>;
    /// messages ending at or before what the consumer already received (a resume from the processed position
    /// replays them) are not delivered again.
    /// </summary>
    private async Task StreamCommandsAsync(PipeReader input, ChannelWriter<ReplicationMessage> writer, long startOffset, CancellationToken cancellationToken)
    {
        var reader = new RespCommandReader(startOffset);
        List<CommandMessage>? transaction = null;
        long transactionStart = 0;
        long multiEnd = 0;
        long skipped = 0;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var heartbeat = false;
            try
            {
                while (reader.TryRead(ref buffer, out var command))
                {
                    ReplicationMetrics.Commands.Add(1);
                    ReplicationMetrics.CommandBytes.Add(command.Length);
                    var end = command.EndOffset;
                    if (transaction is null && command.Is("MULTI"u8))
                    {
                        transaction = [];
                        transactionStart = command.StartOffset;
                        multiEnd = end;
                        continue;
                    }

                    if (transaction is not null && command.Is("EXEC"u8))
                    {
                        var position = new ReplicationPosition(_replicationId!, end, _db);
                        var db = transaction.Count > 0 ? transaction[0].Db : _db;
                        var unit = new TransactionMessage(db, transaction, transactionStart, position) { MultiEndOffset = multiEnd, ExecStartOffset = command.StartOffset };
                        transaction = null;
                        if (await DeliverAsync(writer, unit, position, cancellationToken).ConfigureAwait(false))
                        {
                            heartbeat = false;
                        }
                        else
                        {
                            skipped++;
                        }

                        continue;
                    }

                    if (command.Is("PING"u8) || command.Is("REPLCONF"u8) || command.Is("SELECT"u8))
                    {
                        HandleControl(command);
                        if (transaction is null)
                        {
                            heartbeat |= AdvanceControl(end);
                        }

                        continue;
                    }

                    var message = new CommandMessage(_db, command.Args, command.StartOffset, new ReplicationPosition(_replicationId!, end, _db));
                    if (transaction is not null)
                    {
                        transaction.Add(message);
                        continue;
                    }

                    if (await DeliverAsync(writer, message, message.Position, cancellationToken).ConfigureAwait(false))
                    {
                        heartbeat = false;
                    }
                    else
                    {
                        skipped++;
                    }
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (skipped > 0)
            {
                Log.DuplicatesSkipped(_logger, skipped, startOffset);
                skipped = 0;
            }

            if (heartbeat && Position is { } at)
            {
                await writer.WriteAsync(new HeartbeatMessage(at), cancellationToken).ConfigureAwait(false);
            }

            if (result.IsCompleted)
            {
                throw new RedisReplicationException("The replication stream ended.", isTransient: true);
            }
        }
    }

    /// <summary>Delivers a data message unless the consumer already got it before a reconnect; moves the position.</summary>
    private async ValueTask<bool> DeliverAsync(ChannelWriter<ReplicationMessage> writer, ReplicationMessage message, ReplicationPosition position, CancellationToken cancellationToken)
    {
        bool deliver;
        lock (_sync)
        {
            deliver = position.Offset > _deliveredOffset;
            if (deliver)
            {
                _deliveredOffset = position.Offset;
                _position = position;
            }
        }

        if (!deliver)
        {
            return false;
        }

        if (_options.CommandFilter is { } filter)
        {
            // dropped by the filter: the position still moves, the consumer hears of it as a heartbeat
            message = filter.Apply(message) ?? new HeartbeatMessage(position);
        }

        if (!writer.TryWrite(message))
        {
            await writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Moves the position past a control command; true when that is news for the consumer (a heartbeat is due).</summary>
    private bool AdvanceControl(long end)
    {
        lock (_sync)
        {
            if (end <= _deliveredOffset)
            {
                return false;
            }

            _deliveredOffset = end;
            _position = new ReplicationPosition(_replicationId!, end, _db);
            return true;
        }
    }

    private void HandleControl(RespCommand command)
    {
        var args = command.Args;
        if (command.Is("SELECT"u8))
        {
            if (args.Length != 2 || !Utf8Parser.TryParse(args[1], out int db, out var used) || used != args[1].Length || db < 0)
            {
                throw new RespProtocolException(command.StartOffset, "SELECT with one non-negative db number", RespAscii.Describe(args.Length > 1 ? args[1] : []));
            }

            _db = db;
        }
        else if (command.Is("REPLCONF"u8) && args.Length >= 2 && RespAscii.EqualsIgnoreCase(args[1], "GETACK"u8))
        {
            // Answer at once with what the consumer has processed; keep answering as it confirms more, until it
            // has passed this point (so a WAIT on the primary completes as soon as the write is processed).
            lock (_sync)
            {
                _getAckTarget = command.StartOffset;
            }

            RequestAck();
        }
    }
}
