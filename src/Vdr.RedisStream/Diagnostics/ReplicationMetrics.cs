using System.Diagnostics.Metrics;

namespace Vdr.RedisStream.Diagnostics;

/// <summary>The library's one <see cref="Meter"/> ("Vdr.RedisStream").</summary>
internal static class ReplicationMetrics
{
    public const string MeterName = "Vdr.RedisStream";

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Commands = Meter.CreateCounter<long>("vdr.redisstream.commands", description: "Replicated commands received (control commands included)");

    public static readonly Counter<long> CommandBytes = Meter.CreateCounter<long>("vdr.redisstream.command_bytes", "By", "Bytes of replicated command frames");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("vdr.redisstream.reconnects", description: "Reconnect attempts");

    public static readonly Counter<long> FullResyncs = Meter.CreateCounter<long>("vdr.redisstream.full_resyncs", description: "Full resynchronisations");

    public static readonly Counter<long> SnapshotBytes = Meter.CreateCounter<long>("vdr.redisstream.snapshot_bytes", "By", "Snapshot payload bytes received");
}
