namespace Vdr.RedisStream.Replication;

/// <summary>The replication link failed. <see cref="IsTransient"/> says whether reconnecting may help.</summary>
public class RedisReplicationException : RedisStreamException
{
    private readonly bool _isTransient;

    public RedisReplicationException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        _isTransient = isTransient;
    }

    public override bool IsTransient => _isTransient;
}
