namespace Vdr.Cdc.Host.Apply;

/// <summary>One command to run on the target in database <paramref name="Db"/>.</summary>
internal sealed record TargetCommand(int Db, string Name, List<ReadOnlyMemory<byte>> Args);
