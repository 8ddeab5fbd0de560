using Microsoft.Extensions.Logging;

namespace Vdr.Cdc.Host.Management;

/// <summary>Log messages of the management endpoint and progress display (event ids 5000-5099).</summary>
internal static partial class ManagementLog
{
    [LoggerMessage(5000, LogLevel.Information, "Management endpoint listening on {Address} (/healthz/live, /healthz/ready, /metrics)")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(5001, LogLevel.Information, "Management endpoint disabled (Vdr:Cdc:Management:Enabled = false)")]
    public static partial void Disabled(ILogger logger);

    [LoggerMessage(5002, LogLevel.Error, "Management endpoint could not listen on {BindAddress}:{Port}: {Reason}. The connector keeps running without /healthz and /metrics; set Vdr:Cdc:Management:Port (0 = any free port) or BindAddress")]
    public static partial void ListenFailed(ILogger logger, string bindAddress, int port, string reason);

    [LoggerMessage(5010, LogLevel.Information, "Snapshot progress: {Percent} ({BytesRead} of {BytesTotal} bytes), {Keys} keys, {KeysPerSecond} keys/s, {MegabytesPerSecond} MiB/s, ETA {Eta}")]
    public static partial void SnapshotProgress(ILogger logger, string percent, long bytesRead, string bytesTotal, long keys, double keysPerSecond, double megabytesPerSecond, string eta);
}
