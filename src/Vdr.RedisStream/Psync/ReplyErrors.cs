using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Psync;

/// <summary>Maps an error reply of the handshake to the right exception (auth: final; loading/no link: retried).</summary>
internal static class ReplyErrors
{
    public static bool IsAuthError(string line) =>
        line.StartsWith("-NOAUTH", StringComparison.Ordinal)
        || line.StartsWith("-WRONGPASS", StringComparison.Ordinal)
        || line.StartsWith("-NOPERM", StringComparison.Ordinal)
        || line.StartsWith("-ERR invalid password", StringComparison.OrdinalIgnoreCase)
        || line.StartsWith("-ERR AUTH", StringComparison.Ordinal)
        || line.StartsWith("-ERR Client sent AUTH", StringComparison.Ordinal);

    public static bool IsRetryable(string line) =>
        line.StartsWith("-LOADING", StringComparison.Ordinal)
        || line.StartsWith("-NOMASTERLINK", StringComparison.Ordinal)
        || line.StartsWith("-MASTERDOWN", StringComparison.Ordinal)
        || line.StartsWith("-BUSY", StringComparison.Ordinal)
        || line.StartsWith("-TRYAGAIN", StringComparison.Ordinal);

    public static RedisReplicationException ToException(string line, string step)
    {
        if (IsAuthError(line))
        {
            return new RedisAuthenticationException(
                $"The server refused {step}: {line.TrimStart('-')}. Check the user name, the password and that the user may run PING, AUTH, REPLCONF and PSYNC (ACL: +psync +replconf +ping).");
        }

        if (IsRetryable(line))
        {
            return new RedisReplicationException($"The server cannot serve {step} yet: {line.TrimStart('-')}", isTransient: true);
        }

        if (line.StartsWith('-'))
        {
            return new RedisReplicationException($"The server rejected {step}: {line.TrimStart('-')}", isTransient: false);
        }

        return new RedisReplicationException($"Unexpected reply to {step}: '{line}'.", isTransient: false);
    }
}
