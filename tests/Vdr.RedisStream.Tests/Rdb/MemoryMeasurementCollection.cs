namespace Vdr.RedisStream.Tests.Rdb;

/// <summary>
/// Tests that measure the process's live managed memory run alone (after the parallel ones): other test classes
/// running at the same time allocate in the same process and would be counted too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "memory measurement";
}
