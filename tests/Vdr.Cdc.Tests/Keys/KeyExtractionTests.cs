using System.Text;
using Vdr.Cdc.Keys;

namespace Vdr.Cdc.Tests.Keys;

public sealed class KeyExtractionTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    public static TheoryData<string, int[]> Cases => new()
    {
        { "SET k v PXAT 100", [1] },
        { "DEL a b c", [1, 2, 3] },
        { "UNLINK a", [1] },
        { "MSET a 1 b 2 c 3", [1, 3, 5] },
        { "MSETNX a 1 b 2", [1, 3] },
        { "RENAME a b", [1, 2] },
        { "RENAMENX a b", [1, 2] },
        { "COPY a b DB 1 REPLACE", [1, 2] },
        { "LMOVE a b LEFT RIGHT", [1, 2] },
        { "RPOPLPUSH a b", [1, 2] },
        { "SMOVE a b m", [1, 2] },
        { "SUNIONSTORE d a b", [1, 2, 3] },
        { "SINTERSTORE d a", [1, 2] },
        { "ZUNIONSTORE d 2 a b WEIGHTS 1 2", [1, 3, 4] },
        { "ZRANGESTORE d s 0 -1", [1, 2] },
        { "BITOP AND d a b", [2, 3, 4] },
        { "PFMERGE d a b", [1, 2, 3] },
        { "SORT s BY w STORE d", [1, 5] },
        { "GEORADIUS g 0 0 1 km STORE d", [1, 7] },
        { "GEOSEARCHSTORE d s FROMMEMBER m BYRADIUS 1 km", [1, 2] },
        { "EVAL return 2 a b x", [3, 4] },
        { "FCALL f 1 a x", [3] },
        { "LMPOP 2 a b LEFT", [2, 3] },
        { "XADD s 1-1 f v", [1] },
        { "XGROUP CREATE s g $", [2] },
        { "HSET h f v", [1] },
        { "PEXPIREAT k 100", [1] },
        { "RESTORE k 0 payload ABSTTL", [1] },
        { "PUBLISH ch msg", [] },
        { "FLUSHALL", [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryGetKeys_BuiltInTable_FindsTheKeys(string command, int[] expected) =>
        Assert.Equal(expected, Keys(BuiltInKeyTable.Table, command));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TryGetKeys_LiveCommandTable_AgreesWithBuiltIn(string command, int[] expected)
    {
        var table = await CommandTableLoader.LoadAsync(redis.Connection.GetDatabase(), redis.Server.EndPoint, CancellationToken.None);
        Assert.StartsWith("COMMAND of", table.Source, StringComparison.Ordinal);
        Assert.True(table.Count > 200, $"only {table.Count} commands read");
        Assert.Equal(expected, Keys(table, command));
    }

    [Fact]
    public async Task LoadAsync_LiveTable_FlagsOfInteractingKeysMatchBuiltIn()
    {
        var live = await CommandTableLoader.LoadAsync(redis.Connection.GetDatabase(), redis.Server.EndPoint, CancellationToken.None);
        foreach (var command in new[] { "RENAME a b", "LMOVE a b LEFT RIGHT", "SUNIONSTORE d a b", "COPY a b", "BITOP OR d a b", "SMOVE a b m" })
        {
            var args = Args(command);
            var builtInKeys = new List<KeyReference>();
            var liveKeys = new List<KeyReference>();
            Assert.True(BuiltInKeyTable.Table.TryGetKeys(args, builtInKeys));
            Assert.True(live.TryGetKeys(args, liveKeys));
            Assert.Equal(builtInKeys.Select(k => k.Flags & (KeySpecFlags.RO | KeySpecFlags.RW | KeySpecFlags.OW | KeySpecFlags.RM)),
                liveKeys.Select(k => k.Flags & (KeySpecFlags.RO | KeySpecFlags.RW | KeySpecFlags.OW | KeySpecFlags.RM)));
        }
    }

    [Fact]
    public void TryGetKeys_UnknownCommand_ReturnsFalse() =>
        Assert.False(BuiltInKeyTable.Table.TryGetKeys(Args("JSON.SET k $ 1"), []));

    [Fact]
    public void TryGetKeys_KeyNumBeyondArguments_StopsAtTheEnd() =>
        Assert.Equal([3], Keys(BuiltInKeyTable.Table, "EVAL s 5 a"));

    internal static byte[][] Args(string command) => [.. command.Split(' ').Select(Encoding.UTF8.GetBytes)];

    private static int[] Keys(CommandKeyTable table, string command)
    {
        var keys = new List<KeyReference>();
        Assert.True(table.TryGetKeys(Args(command), keys), $"{command} unknown to {table.Source}");
        return [.. keys.Select(k => k.ArgIndex)];
    }
}
