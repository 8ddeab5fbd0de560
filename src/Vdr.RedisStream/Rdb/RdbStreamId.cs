namespace Vdr.RedisStream.Rdb;

/// <summary>A stream id, printed as "ms-seq".</summary>
public readonly record struct RdbStreamId(ulong Ms, ulong Seq)
{
    public override string ToString() => $"{Ms}-{Seq}";
}
