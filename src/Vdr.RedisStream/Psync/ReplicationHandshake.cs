using System.Globalization;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Vdr.RedisStream.Diagnostics;
using Vdr.RedisStream.Replication;
using Vdr.RedisStream.Resp;
using Vdr.RedisStream.Transport;

namespace Vdr.RedisStream.Psync;

/// <summary>
/// The replica handshake, step by step as Redis' own replica does it (replication.c syncWithMaster): PING, AUTH,
/// REPLCONF listening-port, REPLCONF capa eof capa psync2, PSYNC. Every reply is checked.
/// </summary>
internal sealed class ReplicationHandshake(
    ReplicationConnection connection,
    PipeReader input,
    Action<ReplicationState> setState,
    ILogger logger)
{
    public async Task<PsyncReply> RunAsync(string? username, string? password, int listeningPort, ReplicationPosition? from, CancellationToken cancellationToken)
    {
        setState(ReplicationState.Ping);
        var pong = await RequestAsync(RespWriter.Command("PING"), "PING", cancellationToken).ConfigureAwait(false);
        if (pong.StartsWith('-'))
        {
            var needsAuth = pong.StartsWith("-NOAUTH", StringComparison.Ordinal);
            var notPermitted = pong.StartsWith("-NOPERM", StringComparison.Ordinal) || pong.StartsWith("-ERR operation not permitted", StringComparison.Ordinal);
            if ((needsAuth || notPermitted) && password is null)
            {
                throw new RedisAuthenticationException($"The server requires authentication ({pong.TrimStart('-')}) and no password was given.");
            }

            if (!needsAuth && !notPermitted)
            {
                throw ReplyErrors.ToException(pong, "PING");
            }
        }

        if (password is not null)
        {
            setState(ReplicationState.Auth);
            var auth = username is null ? RespWriter.Command("AUTH", password) : RespWriter.Command("AUTH", username, password);
            var reply = await RequestAsync(auth, "AUTH", cancellationToken).ConfigureAwait(false);
            if (!reply.StartsWith('+'))
            {
                throw ReplyErrors.IsRetryable(reply) ? ReplyErrors.ToException(reply, "AUTH")
                    : new RedisAuthenticationException($"Authentication failed{(username is null ? string.Empty : $" for user '{username}'")}: {reply.TrimStart('-')}");
            }
        }

        if (listeningPort > 0)
        {
            setState(ReplicationState.ReplconfListeningPort);
            await ReplconfAsync(RespWriter.Command("REPLCONF", "listening-port", listeningPort.ToString(CultureInfo.InvariantCulture)), "REPLCONF listening-port", cancellationToken).ConfigureAwait(false);
        }

        setState(ReplicationState.ReplconfCapa);
        await ReplconfAsync(RespWriter.Command("REPLCONF", "capa", "eof", "capa", "psync2"), "REPLCONF capa", cancellationToken).ConfigureAwait(false);

        setState(ReplicationState.Psync);
        var psync = from is { } p
            ? RespWriter.Command("PSYNC", p.ReplicationId, (p.Offset + 1).ToString(CultureInfo.InvariantCulture))
            : RespWriter.Command("PSYNC", "?", "-1");
        await connection.WriteAsync(psync, cancellationToken).ConfigureAwait(false);
        var line = await ProtocolLineReader.ReadLineAsync(input, skipEmptyLines: true, "the PSYNC reply", cancellationToken).ConfigureAwait(false);
        return PsyncReply.Parse(line, from);
    }

    private async Task ReplconfAsync(byte[] command, string step, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(command, step, cancellationToken).ConfigureAwait(false);
        if (reply.StartsWith('-'))
        {
            if (ReplyErrors.IsAuthError(reply) || ReplyErrors.IsRetryable(reply))
            {
                throw ReplyErrors.ToException(reply, step);
            }

            // Like Redis' replica: other REPLCONF errors are not fatal (an old server may not know an option).
            Log.ReplconfRejected(logger, step, reply);
        }
    }

    private async Task<string> RequestAsync(byte[] command, string step, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        var reply = await ProtocolLineReader.ReadLineAsync(input, skipEmptyLines: true, $"the reply to {step}", cancellationToken).ConfigureAwait(false);
        if (reply.StartsWith('-') && ReplyErrors.IsRetryable(reply))
        {
            throw ReplyErrors.ToException(reply, step);
        }

        return reply;
    }
}
