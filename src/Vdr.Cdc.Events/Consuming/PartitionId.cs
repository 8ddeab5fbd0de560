using System.Globalization;

namespace Vdr.Cdc.Events.Consuming;

/// <summary>A topic partition.</summary>
public readonly record struct PartitionId(string Topic, int Partition)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Topic}/{Partition}");
}
