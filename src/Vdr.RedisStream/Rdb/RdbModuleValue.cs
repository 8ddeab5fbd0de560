namespace Vdr.RedisStream.Rdb;

/// <summary>A module value (type 7), skipped generically; reported with the module name and bytes skipped.</summary>
public sealed record RdbModuleValue(string ModuleName, ulong ModuleId, long SkippedBytes) : RdbRecord;
