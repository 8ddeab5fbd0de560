using System.ComponentModel.DataAnnotations;

namespace Vdr.Cdc.Diagnostics;

/// <summary>
/// The heartbeat (section <c>Vdr:Cdc:Management:Heartbeat</c>): every <see cref="Interval"/> the connector writes
/// <c>SET &lt;key&gt; &lt;unix ms&gt;</c> on the source; the write comes back through replication, and when its
/// transaction commits the connector measures commit time − written time (metric
/// <c>vdr_cdc_heartbeat_lag_milliseconds</c>). Off by default: it writes to the source, and the key travels to
/// Kafka as an ordinary change event like any other write.
/// </summary>
public sealed class HeartbeatOptions
{
    /// <summary>Write the heartbeat key. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Time between heartbeats. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The key written (in database 0); empty means <c>__vdr_cdc:heartbeat:&lt;connector name&gt;</c>.</summary>
    public string? Key { get; set; }

    /// <summary>The key for connector <paramref name="connector"/>.</summary>
    public string KeyFor(string connector) => string.IsNullOrEmpty(Key) ? "__vdr_cdc:heartbeat:" + connector : Key;
}
