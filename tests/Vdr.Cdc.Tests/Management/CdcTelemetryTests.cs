using System.Text;
using Vdr.Cdc.Diagnostics;
using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Pipeline;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Tests.Management;

/// <summary>The connector's telemetry without servers: heartbeat lag bookkeeping, health before start, heartbeat recognition.</summary>
public sealed class CdcTelemetryTests
{
    [Fact]
    public void HeartbeatLag_CommitCoveringTheHeartbeat_IsCommitTimeMinusWrittenTime()
    {
        var time = new ManualTime(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var telemetry = new CdcTelemetry("c", time);
        telemetry.OnHeartbeatReceived(offset: 500, writtenMs: 999_900);
        telemetry.OnHeartbeatReceived(offset: 700, writtenMs: 999_950);

        telemetry.OnCommitted(Progress(offset: 499));
        Assert.Null(telemetry.HeartbeatLagMs);

        telemetry.OnCommitted(Progress(offset: 500));
        Assert.Equal(100, telemetry.HeartbeatLagMs);

        time.Now += TimeSpan.FromMilliseconds(30);
        telemetry.OnCommitted(Progress(offset: 800));
        Assert.Equal(80, telemetry.HeartbeatLagMs);
        Assert.Equal(800, telemetry.CommittedOffset);
    }

    [Fact]
    public void LagBytes_PrimaryAndCommittedKnown_IsTheirDifferenceNeverNegative()
    {
        var telemetry = new CdcTelemetry("c");
        Assert.Null(telemetry.LagBytes);

        telemetry.SetPrimaryOffset(1000);
        Assert.Null(telemetry.LagBytes);
        telemetry.OnCommitted(Progress(offset: 400));
        Assert.Equal(600, telemetry.LagBytes);

        telemetry.OnCommitted(Progress(offset: 1200));
        Assert.Equal(0, telemetry.LagBytes);
    }

    [Fact]
    public void CheckReady_BeforeTheFirstSession_NotReadyStarting()
    {
        var telemetry = new CdcTelemetry("c");

        var ready = telemetry.CheckReady(TimeSpan.FromMinutes(1));
        var live = telemetry.CheckLive(TimeSpan.FromMinutes(5));

        Assert.False(ready.IsHealthy);
        Assert.StartsWith("starting", ready.Description, StringComparison.Ordinal);
        Assert.True(live.IsHealthy);
        Assert.Equal(ReplicationState.Init, telemetry.ReplicationState);
    }

    [Fact]
    public async Task CheckReady_ClientNotConnected_NotReadyNamingTheState()
    {
        var telemetry = new CdcTelemetry("c");
        await using var client = new RedisReplicationClient(new RedisReplicaOptions { Url = "redis://127.0.0.1:1" });
        telemetry.AttachClient(client, committed: null);

        var ready = telemetry.CheckReady(TimeSpan.FromMinutes(1));

        Assert.False(ready.IsHealthy);
        Assert.Equal("replication link is Init: not connected to Redis", ready.Description);
        Assert.Null(telemetry.StalledFor());
    }

    [Theory]
    [InlineData(0, "SET", "__hb", "1700000000000", true)]
    [InlineData(0, "set", "__hb", "1700000000000", true)]
    [InlineData(1, "SET", "__hb", "1700000000000", false)]
    [InlineData(0, "SET", "other", "1700000000000", false)]
    [InlineData(0, "SET", "__hb", "17x", false)]
    [InlineData(0, "APPEND", "__hb", "1", false)]
    public void TryReadHeartbeat_OnlyTheConnectorsOwnSetInDb0(int db, string name, string key, string value, bool expected)
    {
        var command = new SourceMessage.Command(db, [Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(value)], 10, new SourcePosition("r", 50, db));

        var found = HeartbeatObservingSource.TryReadHeartbeat(command, "__hb"u8, out var writtenMs);

        Assert.Equal(expected, found);
        if (expected)
        {
            Assert.Equal(1_700_000_000_000, writtenMs);
        }
    }

    [Fact]
    public void HeartbeatKey_DefaultsToThePrefixedConnectorName()
    {
        Assert.Equal("__vdr_cdc:heartbeat:orders", new HeartbeatOptions().KeyFor("orders"));
        Assert.Equal("hb", new HeartbeatOptions { Key = "hb" }.KeyFor("orders"));
    }

    private static ProgressRecord Progress(long offset) => new() { Connector = "c", ReplicationId = "r", Offset = offset, Phase = Phase.Streaming };

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
