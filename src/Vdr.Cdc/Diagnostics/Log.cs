using Microsoft.Extensions.Logging;

namespace Vdr.Cdc.Diagnostics;

/// <summary>The connector's log messages (event ids 4000-4099: Kafka; 4100-4199: pipeline; 4200-4299: keys; 4300-4399: telemetry).</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Warning, "Kafka error {Code}: {Reason} (fatal: {IsFatal})")]
    public static partial void KafkaError(ILogger logger, string code, string reason, bool isFatal);

    [LoggerMessage(4001, LogLevel.Warning, "librdkafka {Facility}: {Message}")]
    public static partial void KafkaLog(ILogger logger, string facility, string message);

    [LoggerMessage(4002, LogLevel.Warning, "Kafka {Operation} failed with a retriable error ({Reason}); attempt {Attempt}, retrying")]
    public static partial void Retrying(ILogger logger, string operation, string reason, int attempt);

    [LoggerMessage(4003, LogLevel.Warning, "Aborting the Kafka transaction failed: {Reason}")]
    public static partial void AbortFailed(ILogger logger, string reason);

    [LoggerMessage(4004, LogLevel.Information, "Producing through Confluent.Kafka's Produce (the direct librdkafka path is unavailable: {Reason})")]
    public static partial void DirectProduceUnavailable(ILogger logger, string reason);

    [LoggerMessage(4100, LogLevel.Information, "Connector {Connector}: resuming from replication id {ReplicationId} offset {Offset} db {Db} (epoch {Epoch})")]
    public static partial void Resuming(ILogger logger, string connector, string replicationId, long offset, int db, ulong epoch);

    [LoggerMessage(4101, LogLevel.Information, "Connector {Connector}: starting with a full synchronisation, snapshot epoch {Epoch} ({Reason})")]
    public static partial void FullSync(ILogger logger, string connector, ulong epoch, string reason);

    [LoggerMessage(4102, LogLevel.Information, "Snapshot epoch {Epoch} finished: {Keys} keys, {Events} events")]
    public static partial void SnapshotFinished(ILogger logger, ulong epoch, ulong keys, ulong events);

    [LoggerMessage(4103, LogLevel.Warning, "Transaction aborted, rewinding to the last committed position: {Reason}")]
    public static partial void Rewinding(ILogger logger, string reason);

    [LoggerMessage(4104, LogLevel.Warning, "Replication disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, string reason);

    [LoggerMessage(4105, LogLevel.Information, "Connector {Connector} stopped; last committed offset {Offset}")]
    public static partial void Stopped(ILogger logger, string connector, long offset);

    [LoggerMessage(4200, LogLevel.Information, "Key extraction uses {Source}")]
    public static partial void KeyTable(ILogger logger, string source);

    [LoggerMessage(4201, LogLevel.Warning, "Reading the server's command table failed ({Reason}); using the built-in key table")]
    public static partial void KeyTableFallback(ILogger logger, string reason);

    [LoggerMessage(4300, LogLevel.Warning, "Lag metrics: {Operation} on {EndPoint} failed (retried quietly until it works): {Reason}")]
    public static partial void LagPollFailed(ILogger logger, string operation, string endPoint, string reason);

    [LoggerMessage(4301, LogLevel.Information, "Lag metrics: {Operation} on {EndPoint} works again")]
    public static partial void LagPollRecovered(ILogger logger, string operation, string endPoint);

    [LoggerMessage(4302, LogLevel.Information, "Heartbeat: writing key {Key} in db 0 every {IntervalSeconds} s to measure the end-to-end lag")]
    public static partial void HeartbeatEnabled(ILogger logger, string key, double intervalSeconds);

    [LoggerMessage(4303, LogLevel.Information, "Snapshot started: the primary reports {Keys} keys")]
    public static partial void SnapshotExpectedKeys(ILogger logger, long keys);
}
