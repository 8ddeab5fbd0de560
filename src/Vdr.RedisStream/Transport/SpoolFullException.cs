using Vdr.RedisStream.Replication;

namespace Vdr.RedisStream.Transport;

/// <summary>The consumer fell so far behind that the spill file reached its cap.</summary>
public sealed class SpoolFullException : RedisReplicationException
{
    public SpoolFullException(string path, long maxBytes)
        : base($"The replication spool file '{path}' reached its cap of {maxBytes} bytes (SpoolMaxBytes): the consumer is too slow for the write rate of the primary. Raise SpoolMaxBytes or speed up the consumer.", isTransient: false)
    {
        Path = path;
        MaxBytes = maxBytes;
    }

    public string Path { get; }

    public long MaxBytes { get; }
}
