using System.ComponentModel.DataAnnotations;

namespace Vdr.Cdc.Diagnostics;

/// <summary>
/// The HTTP management endpoint of <c>vdr-cdc run</c> (section <c>Vdr:Cdc:Management</c>): <c>/healthz/live</c>,
/// <c>/healthz/ready</c> and <c>/metrics</c> (Prometheus), plus what feeds the lag metrics.
/// </summary>
public sealed class ManagementOptions
{
    /// <summary>Default management port (also the image's EXPOSE and the chart's <c>management.port</c>).</summary>
    public const int DefaultPort = 9464;

    /// <summary>Serve the management endpoint. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>TCP port; 0 picks a free port (the bound address is logged). Default 9464.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// Address to listen on: an IP address, <c>0.0.0.0</c> / <c>::</c> for every interface, or <c>localhost</c>.
    /// Default <c>0.0.0.0</c> (probes and scrapers reach a container from outside); use 127.0.0.1 on a shared host.
    /// </summary>
    [Required]
    [RegularExpression(@"^(localhost|[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$", ErrorMessage = "{0}: must be an IP address (0.0.0.0 or :: for every interface) or localhost")]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>How often the primary's <c>master_repl_offset</c> is read (<c>INFO replication</c>) for the byte lag. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan LagPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Not ready when input has waited this long without a Kafka commit (Kafka unreachable or stuck). Default 1 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Not live (the orchestrator restarts the process) when input has waited this long without a commit. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LivenessStallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The optional heartbeat key that measures the end-to-end lag in milliseconds.</summary>
    [Microsoft.Extensions.Options.ValidateObjectMembers]
    public HeartbeatOptions Heartbeat { get; set; } = new();
}
