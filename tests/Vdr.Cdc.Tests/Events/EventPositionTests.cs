using Vdr.Cdc.Events.Consuming;
using Vdr.Cdc.Events.V1;

namespace Vdr.Cdc.Tests.Events;

public sealed class EventPositionTests
{
    [Fact]
    public void CompareTo_SnapshotAndStreamAtOneOffset_BeginEntriesEndThenCommands()
    {
        // A snapshot's events all carry the FULLRESYNC offset; the first streamed command starts there too.
        var begin = Of(1, 100, SnapshotMarker.First, 0);
        var entry0 = Of(1, 100, SnapshotMarker.True, 0);
        var entry9 = Of(1, 100, SnapshotMarker.True, 9);
        var end = Of(1, 100, SnapshotMarker.Last, 0);
        var command = Of(1, 100, SnapshotMarker.False, 0);
        var next = Of(1, 130, SnapshotMarker.False, 0);
        var newEpoch = Of(2, 5, SnapshotMarker.First, 0);

        EventPosition[] expected = [begin, entry0, entry9, end, command, next, newEpoch];
        Assert.Equal(expected, expected.Reverse().Order());
        Assert.True(newEpoch > next, "a new epoch follows everything of the previous one, whatever its offset");
    }

    [Fact]
    public void LastOfCommand_CoversEveryCopyOfTheCommandButNotTheNext()
    {
        var rename = Of(1, 200, SnapshotMarker.False, 0);

        Assert.True(Of(1, 200, SnapshotMarker.False, 1) <= rename.LastOfCommand);
        Assert.True(Of(1, 201, SnapshotMarker.False, 0) > rename.LastOfCommand);
        Assert.True(rename.SameCommand(Of(1, 200, SnapshotMarker.False, 7)));
    }

    [Theory]
    [InlineData("1:100:3:0")]
    [InlineData("0:-9223372036854775808:0:0")]
    [InlineData("18446744073709551615:9223372036854775807:3:4294967295")]
    public void Parse_ToString_RoundTrips(string text) => Assert.Equal(text, EventPosition.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("1:2:3")]
    [InlineData("1:2:4:0")]
    [InlineData("a:2:3:0")]
    public void Parse_Malformed_Throws(string text) => Assert.Throws<FormatException>(() => EventPosition.Parse(text));

    private static EventPosition Of(ulong epoch, long offset, SnapshotMarker marker, uint index) =>
        EventPosition.Of(new Source { SnapshotEpoch = epoch, Offset = offset, Snapshot = marker, Index = index });
}
