using Vdr.Cdc.Host.Management;
using Vdr.RedisStream.Replication;

namespace Vdr.Cdc.Tests.Management;

/// <summary>The snapshot progress display: percent from bytes (disk transfer) or keys (diskless), rates, ETA, the bar.</summary>
public sealed class SnapshotProgressViewTests
{
    private static readonly DateTimeOffset Started = DateTimeOffset.UnixEpoch;

    [Fact]
    public void DiskTransfer_PercentAndEtaFromBytes()
    {
        var view = new SnapshotProgressView(new SnapshotProgress(true, 25 * 1024 * 1024, 100 * 1024 * 1024, 5000, Started), ExpectedKeys: -1, KeysPerSecond: 1000, BytesPerSecond: 5 * 1024 * 1024);

        Assert.Equal(0.25, view.Fraction);
        Assert.Equal("25.0 %", view.PercentText);
        Assert.Equal(TimeSpan.FromSeconds(15), view.Eta);
        Assert.Equal("00:00:15", view.EtaText);
        Assert.Equal("snapshot [########----------------------]  25.0 %  25.0/100.0 MiB  5000 keys  1000 keys/s  ETA 00:00:15", view.RenderBar(30));
    }

    [Fact]
    public void DisklessTransfer_PercentAndEtaFromKeysOfInfoKeyspace()
    {
        var view = new SnapshotProgressView(new SnapshotProgress(true, 3 * 1024 * 1024, -1, 300, Started), ExpectedKeys: 1200, KeysPerSecond: 100, BytesPerSecond: 1);

        Assert.Equal(0.25, view.Fraction);
        Assert.Equal(TimeSpan.FromSeconds(9), view.Eta);
        Assert.Equal("snapshot [########----------------------]  25.0 %  3.0 MiB  300/1200 keys  100 keys/s  ETA 00:00:09", view.RenderBar(30));
    }

    [Fact]
    public void NothingKnown_QuestionMarks()
    {
        var view = new SnapshotProgressView(new SnapshotProgress(true, 10, -1, 1, Started), ExpectedKeys: -1, KeysPerSecond: 0, BytesPerSecond: 0);

        Assert.Null(view.Fraction);
        Assert.Null(view.Eta);
        Assert.Equal("snapshot [??????????]       ?  0.0 MiB  1 keys  0 keys/s  ETA ?", view.RenderBar(10));
    }

    [Fact]
    public void MoreKeysThanExpected_ClampedAtHundredPercent()
    {
        var view = new SnapshotProgressView(new SnapshotProgress(true, 1, -1, 150, Started), ExpectedKeys: 100, KeysPerSecond: 10, BytesPerSecond: 1);

        Assert.Equal(1.0, view.Fraction);
        Assert.Equal(TimeSpan.Zero, view.Eta);
    }
}
