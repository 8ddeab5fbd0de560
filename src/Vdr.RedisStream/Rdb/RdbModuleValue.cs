namespace Vdr.RedisStream.Rdb;

/// <summary>A module value (type 7), skipped generically; reported with the module name and the bytes of the value (module id through its EOF opcode).</summary>
public sealed record RdbModuleValue(string ModuleName, ulong ModuleId, long SkippedBytes) : RdbRecord;
