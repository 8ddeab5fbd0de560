namespace Vdr.RedisStream.Rdb;

/// <summary>The snapshot is not a valid RDB: says what was expected, what was found, where, and in which RDB version.</summary>
public class RdbFormatException : RedisStreamException
{
    public RdbFormatException(string problem, long offset, int rdbVersion, Exception? innerException = null)
        : base($"Invalid RDB at byte offset {offset}{(rdbVersion > 0 ? $" (RDB version {rdbVersion})" : string.Empty)}: {problem}", innerException)
    {
        Problem = problem;
        Offset = offset;
        RdbVersion = rdbVersion;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }

    /// <summary>Byte offset in the RDB where the problem is.</summary>
    public long Offset { get; }

    /// <summary>RDB version from the header; 0 when the header was not read yet.</summary>
    public int RdbVersion { get; }

    public override bool IsTransient => false;
}
