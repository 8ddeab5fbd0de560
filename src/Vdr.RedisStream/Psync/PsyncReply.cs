using System.Globalization;
using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Psync;

/// <summary>The primary's answer to PSYNC: a full resync (snapshot follows) or a continuation.</summary>
internal sealed record PsyncReply(bool IsFullResync, string ReplicationId, long Offset)
{
    /// <summary>Parses <c>+FULLRESYNC id offset</c>, <c>+CONTINUE [id]</c>; anything else throws.</summary>
    public static PsyncReply Parse(string line, ReplicationPosition? requested)
    {
        if (line.StartsWith("+FULLRESYNC", StringComparison.Ordinal))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || parts[1].Length != 40 || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset))
            {
                throw new RedisReplicationException($"Malformed PSYNC reply '{line}': expected +FULLRESYNC <40-char replid> <offset>.", isTransient: false);
            }

            return new PsyncReply(true, parts[1], offset);
        }

        if (line.StartsWith("+CONTINUE", StringComparison.Ordinal))
        {
            if (requested is not { } from)
            {
                throw new RedisReplicationException("The server answered +CONTINUE to PSYNC ? -1.", isTransient: false);
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var id = parts.Length >= 2 ? parts[1] : from.ReplicationId;
            if (id.Length != 40)
            {
                throw new RedisReplicationException($"Malformed PSYNC reply '{line}': expected +CONTINUE [<40-char replid>].", isTransient: false);
            }

            return new PsyncReply(false, id, from.Offset);
        }

        throw ReplyErrors.ToException(line, "PSYNC");
    }
}
