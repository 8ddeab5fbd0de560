namespace Vdr.Cdc.Events;

/// <summary>How replicated commands and snapshot records become change events (section <c>Vdr:Cdc:Events</c>).</summary>
public sealed class EventOptions
{
    /// <summary>Write a Kafka tombstone (null value) for the key after every DELETE event, for compacted topics. Default true.</summary>
    public bool Tombstones { get; set; } = true;

    /// <summary>Pass PUBLISH/SPUBLISH on as CONTROL events keyed by channel (Sentinel hello messages never). Default false.</summary>
    public bool IncludePubSub { get; set; }

    /// <summary>
    /// Read the key specs from the server's <c>COMMAND</c> table at connect (falls back to the built-in table when
    /// COMMAND is not permitted). Default true.
    /// </summary>
    public bool UseServerCommandTable { get; set; } = true;
}
