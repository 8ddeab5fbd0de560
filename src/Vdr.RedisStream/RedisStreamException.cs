namespace Vdr.RedisStream;

/// <summary>Base of every error this library raises. <see cref="IsTransient"/> says whether retrying may help.</summary>
public abstract class RedisStreamException : Exception
{
    protected RedisStreamException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>True when the same operation may succeed later (a dropped connection, a server still loading).</summary>
    public abstract bool IsTransient { get; }
}
