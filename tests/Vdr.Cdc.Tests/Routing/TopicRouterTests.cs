using System.Text;
using Vdr.Cdc.Routing;

namespace Vdr.Cdc.Tests.Routing;

public sealed class TopicRouterTests
{
    [Theory]
    [InlineData("user:*", "user:42", true)]
    [InlineData("user:*", "order:1", false)]
    [InlineData("h?llo", "hallo", true)]
    [InlineData("h[ae]llo", "hello", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-c]llo", "hbllo", true)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    public void IsMatch_RedisGlob(string pattern, string key, bool expected) =>
        Assert.Equal(expected, RedisGlob.IsMatch(Encoding.UTF8.GetBytes(pattern), Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void TopicFor_DefaultAndRules_FirstMatchWins()
    {
        var router = new TopicRouter("src",
        [
            new TopicRoute { KeyPattern = "user:*", Topic = "users" },
            new TopicRoute { KeyPattern = "*", Topic = "db3-all", Db = 3 },
        ]);
        Assert.Equal("users", router.TopicFor(0, "user:1"u8, out var isNew));
        Assert.True(isNew);
        Assert.Equal("users", router.TopicFor(0, "user:2"u8, out isNew));
        Assert.False(isNew);
        Assert.Equal("src.db0", router.TopicFor(0, "order:1"u8, out _));
        Assert.Equal("db3-all", router.TopicFor(3, "order:1"u8, out _));
        Assert.Equal("src.db2", router.TopicFor(2, "x"u8, out _));
        Assert.Equal(["src.db3", "users", "db3-all"], router.TopicsOfDb(3));
        Assert.Equal(["src.db1", "users"], router.TopicsOfDb(1));
        Assert.Equal("src.progress", router.ProgressTopic);
        Assert.True(router.IsDbTopic("src.db12"));
        Assert.False(router.IsDbTopic("src.dbx"));
    }
}
