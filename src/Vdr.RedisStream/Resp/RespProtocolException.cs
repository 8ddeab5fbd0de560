namespace Vdr.RedisStream.Resp;

/// <summary>
/// The byte stream is not valid RESP. Carries the absolute stream offset of the offending byte, what the reader
/// expected there and what it found. A connection that produced one is never reused.
/// </summary>
public sealed class RespProtocolException : RedisStreamException
{
    public RespProtocolException(long offset, string expected, string found)
        : base($"RESP protocol violation at stream offset {offset}: expected {expected}, found {found}")
    {
        Offset = offset;
        Expected = expected;
        Found = found;
    }

    /// <summary>Absolute offset (in the stream the reader was counting) of the first byte that does not fit.</summary>
    public long Offset { get; }

    public string Expected { get; }

    public string Found { get; }

    /// <summary>A server does not send broken RESP: retrying would hide a real fault, so this stops replication.</summary>
    public override bool IsTransient => false;
}
