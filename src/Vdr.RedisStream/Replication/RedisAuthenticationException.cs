namespace Vdr.RedisStream.Replication;

/// <summary>The server refused our credentials or permissions (-NOAUTH, -WRONGPASS, -NOPERM). Never retried.</summary>
public sealed class RedisAuthenticationException : RedisReplicationException
{
    public RedisAuthenticationException(string message)
        : base(message, isTransient: false)
    {
    }
}
