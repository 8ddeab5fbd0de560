namespace Vdr.RedisStream.Rdb;

/// <summary>Module auxiliary data, skipped; reported with the module name.</summary>
public sealed record RdbModuleAux(string ModuleName, ulong ModuleId, ulong When) : RdbRecord;
