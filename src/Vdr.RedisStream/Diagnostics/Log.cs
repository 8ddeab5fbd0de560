using Microsoft.Extensions.Logging;

namespace Vdr.RedisStream.Diagnostics;

/// <summary>
/// Every log message of Vdr.RedisStream, with stable event ids (the telemetry contract). Replication: 1000-1099.
/// No secrets and no user values at Information level.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Connecting to {EndPoint} (TLS: {UseTls})")]
    public static partial void Connecting(ILogger logger, string endPoint, bool useTls);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Connected to {EndPoint}; requesting PSYNC from {From}")]
    public static partial void Connected(ILogger logger, string endPoint, string from);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Full resync: replication id {ReplicationId}, offset {Offset}")]
    public static partial void FullResync(ILogger logger, string replicationId, long offset);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Partial resync accepted: replication id {ReplicationId}, offset {Offset}")]
    public static partial void Continue(ILogger logger, string replicationId, long offset);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Snapshot transfer started ({Mode})")]
    public static partial void SnapshotStarted(ILogger logger, string mode);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Snapshot received: {Bytes} bytes, {Keys} keys, {Records} records in {ElapsedMs} ms ({KeysPerSecond} keys/s, {MegabytesPerSecond} MiB/s)")]
    public static partial void SnapshotFinished(ILogger logger, long bytes, long keys, long records, long elapsedMs, double keysPerSecond, double megabytesPerSecond);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Replication link lost: {Reason}; reconnecting in {DelayMs} ms (attempt {Attempt})")]
    public static partial void Reconnecting(ILogger logger, string reason, long delayMs, int attempt);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "{Step} was rejected by the server: {Reply}")]
    public static partial void ReplconfRejected(ILogger logger, string step, string reply);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "The RDB reader left {Bytes} bytes of the snapshot payload unread; they were skipped")]
    public static partial void PayloadBytesSkipped(ILogger logger, long bytes);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Debug, Message = "Skipped {Count} already delivered commands after resuming at offset {Offset}")]
    public static partial void DuplicatesSkipped(ILogger logger, long count, long offset);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Sending feedback to the server failed: {Reason}")]
    public static partial void FeedbackFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Replication stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Sentinel {Sentinel} reports primary {MasterName} at {EndPoint}")]
    public static partial void SentinelResolved(ILogger logger, string sentinel, string masterName, string endPoint);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Sentinel {Sentinel} could not resolve {MasterName}: {Reason}")]
    public static partial void SentinelFailed(ILogger logger, string sentinel, string masterName, string reason);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Error, Message = "Replication failed and will not be retried: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);
}
