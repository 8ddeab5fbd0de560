using System.Globalization;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Diagnostics;

public sealed partial class CdcTelemetry
{
    private long _keysAtCommit;

    /// <summary>
    /// Ready: Kafka transactions initialised, connected to Redis and snapshotting or streaming, and no input waiting
    /// longer than <paramref name="stallTimeout"/> for a commit.
    /// </summary>
    public CdcHealth CheckReady(TimeSpan stallTimeout)
    {
        if (!Started)
        {
            return new CdcHealth(false, "starting: Kafka transactions and the committed position are not initialised yet");
        }

        var state = ReplicationState;
        if (state is not (ReplicationState.RdbTransfer or ReplicationState.Streaming))
        {
            return new CdcHealth(false, $"replication link is {state}: not connected to Redis");
        }

        if (StalledFor() is { } stalled && stalled > stallTimeout)
        {
            return new CdcHealth(false, StallMessage(stalled));
        }

        return new CdcHealth(true, state == ReplicationState.RdbTransfer
            ? $"snapshotting from {ConnectedEndpoint}"
            : $"streaming from {ConnectedEndpoint}, committed offset {CommittedOffset.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Live: the connector is not stuck (input waiting longer than <paramref name="stallTimeout"/> for a commit).</summary>
    public CdcHealth CheckLive(TimeSpan stallTimeout)
    {
        if (StalledFor() is { } stalled && stalled > stallTimeout)
        {
            return new CdcHealth(false, StallMessage(stalled));
        }

        return new CdcHealth(true, $"running; replication link {ReplicationState}");
    }

    /// <summary>
    /// How long input from Redis has waited for a Kafka commit: while snapshotting, keys decoded since the last
    /// commit; while streaming, a received offset beyond the committed one. Null when nothing waits.
    /// </summary>
    public TimeSpan? StalledFor()
    {
        var state = ReplicationState;
        bool waiting = state switch
        {
            ReplicationState.RdbTransfer => SnapshotProgress.Keys > Interlocked.Read(ref _keysAtCommit),
            ReplicationState.Streaming => ReceivedOffset > CommittedOffset,
            _ => false,
        };
        if (!waiting)
        {
            return null;
        }

        DateTimeOffset? since;
        lock (_sync)
        {
            since = _committedAt is { } c && (_sessionStartedAt is not { } s || c > s) ? c : _sessionStartedAt;
        }

        return since is { } from ? _time.GetUtcNow() - from : null;
    }

    private static string StallMessage(TimeSpan stalled) =>
        $"nothing committed to Kafka for {stalled.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s while changes wait";

    private void RecordKeysAtCommit() => Interlocked.Exchange(ref _keysAtCommit, SnapshotProgress.Keys);
}
