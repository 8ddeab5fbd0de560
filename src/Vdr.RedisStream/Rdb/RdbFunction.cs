namespace Vdr.RedisStream.Rdb;

/// <summary>A function library (FUNCTION2: the library's code; old FUNCTION opcode: its name and code).</summary>
public sealed record RdbFunction(byte[] Code, byte[]? Name = null) : RdbRecord;
