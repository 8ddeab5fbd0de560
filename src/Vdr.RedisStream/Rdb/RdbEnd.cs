namespace Vdr.RedisStream.Rdb;

/// <summary>The EOF opcode and the CRC64 trailer (RDB 5+; 0 when the writer disabled checksums).</summary>
public sealed record RdbEnd(ulong Checksum, bool ChecksumVerified) : RdbRecord;
