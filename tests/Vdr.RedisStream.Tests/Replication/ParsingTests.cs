using Vdr.RedisStream.Replication;
using Vdr.RedisStream.Transport;

namespace Vdr.RedisStream.Tests.Replication;

public class ParsingTests
{
    [Theory]
    [InlineData("redis://127.0.0.1:7000", "127.0.0.1", 7000, false, null, null)]
    [InlineData("rediss://cache.example:6380", "cache.example", 6380, true, null, null)]
    [InlineData("redis://localhost", "localhost", 6379, false, null, null)]
    [InlineData("redis://:p%40ss@h:1", "h", 1, false, null, "p@ss")]
    [InlineData("redis://repl:secret@h:2", "h", 2, false, "repl", "secret")]
    [InlineData("redis://[::1]:6390", "::1", 6390, false, null, null)]
    public void RedisUrl_Parse_Components(string url, string host, int port, bool tls, string? user, string? password)
    {
        var parsed = RedisUrl.Parse(url);
        Assert.Equal(new RedisUrl(host, port, tls, user, password), parsed);
        Assert.DoesNotContain("secret", parsed.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://h:1")]
    [InlineData("not a url")]
    [InlineData("redis://")]
    public void RedisUrl_Parse_Invalid_FormatException(string url) => Assert.Throws<FormatException>(() => RedisUrl.Parse(url));

    [Fact]
    public void ReplicationPosition_ParseAndFormat_RoundTrip()
    {
        var position = new ReplicationPosition("8371b4fb1155b71f4a04d3e1bc3e18c4a990aeeb", 12345, 3);
        Assert.Equal(position, ReplicationPosition.Parse(position.ToString()));
        Assert.Equal(new ReplicationPosition("abc", 7, 0), ReplicationPosition.Parse("abc:7"));
        Assert.Throws<FormatException>(() => ReplicationPosition.Parse("abc"));
        Assert.Throws<FormatException>(() => ReplicationPosition.Parse("abc:-1"));
        Assert.Throws<FormatException>(() => ReplicationPosition.Parse("abc:1:x"));
    }

    [Fact]
    public async Task ReconnectDelay_ExponentialWithJitter_CappedAtMax()
    {
        await using var client = new RedisReplicationClient(new RedisReplicaOptions
        {
            Url = "redis://127.0.0.1:1",
            ReconnectInitialDelay = TimeSpan.FromSeconds(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(30),
        });
        for (var i = 0; i < 50; i++)
        {
            Assert.InRange(client.ReconnectDelay(0).TotalSeconds, 0.8, 1.2);
            Assert.InRange(client.ReconnectDelay(3).TotalSeconds, 6.4, 9.6);
            Assert.InRange(client.ReconnectDelay(20).TotalSeconds, 24, 30);
        }
    }
}
