using System.Globalization;
using StackExchange.Redis;

namespace Vdr.Cdc.Host.Demo;

/// <summary>
/// The demo's data: a small initial dataset with a key of every type (what the snapshot shows), then rounds of
/// sample changes written through StackExchange.Redis, each echoed on stderr as the command a user would type.
/// </summary>
internal sealed class DemoDataset(IDatabase db, TextWriter echo)
{
    /// <summary>How long the initial <c>flash</c> key lives: it expires while the demo runs (a DELETE event).</summary>
    public static readonly TimeSpan FlashTimeToLive = TimeSpan.FromSeconds(8);

    private const int Rounds = 5;

    /// <summary>Writes the initial dataset (before the connector starts, so that it is in the snapshot).</summary>
    public async Task LoadAsync()
    {
        await db.StringSetAsync("greeting", "hello, world").ConfigureAwait(false);
        await db.StringSetAsync("page:views", 0).ConfigureAwait(false);
        await db.StringSetAsync("session:42", "token-8f3a", TimeSpan.FromHours(1)).ConfigureAwait(false);
        await db.StringSetAsync("flash", "gone in a few seconds", FlashTimeToLive).ConfigureAwait(false);
        await db.StringSetAsync([new("account:alice", 100), new("account:bob", 100)]).ConfigureAwait(false);
        await db.ListRightPushAsync("queue:jobs", ["job-1", "job-2", "job-3"]).ConfigureAwait(false);
        await db.SetAddAsync("tags", ["redis", "kafka", "cdc"]).ConfigureAwait(false);
        await db.SortedSetAddAsync("leaderboard", [new("alice", 100), new("bob", 80), new("carol", 95)]).ConfigureAwait(false);
        await db.HashSetAsync("user:1", [new("name", "Ada"), new("email", "ada@example.com"), new("visits", 1)]).ConfigureAwait(false);
        await db.StreamAddAsync("events", [new("type", "signup"), new("user", "1")]).ConfigureAwait(false);
    }

    /// <summary>The keys <see cref="LoadAsync"/> writes, one per type and then some (for the header).</summary>
    public static string InitialKeysSummary =>
        "greeting, page:views, session:42 (TTL 1 h), flash (TTL 8 s), account:alice/bob (strings), queue:jobs (list), "
        + "tags (set), leaderboard (zset), user:1 (hash), events (stream)";

    /// <summary>Round <paramref name="n"/> of sample changes (they cycle through five kinds of writes).</summary>
    public async Task WriteRoundAsync(long n)
    {
        var i = n.ToString(CultureInfo.InvariantCulture);
        switch (n % Rounds)
        {
            case 0:
                await Echo($"SET greeting \"hello #{i}\"").ConfigureAwait(false);
                await db.StringSetAsync("greeting", "hello #" + i).ConfigureAwait(false);
                await Echo("INCR page:views").ConfigureAwait(false);
                await db.StringIncrementAsync("page:views").ConfigureAwait(false);
                break;
            case 1:
                await Echo("DEL greeting").ConfigureAwait(false);
                await db.ExecuteAsync("DEL", "greeting").ConfigureAwait(false);
                await Echo($"LPUSH queue:jobs job-{i}").ConfigureAwait(false);
                await db.ListLeftPushAsync("queue:jobs", "job-" + i).ConfigureAwait(false);
                break;
            case 2:
                await Echo("MULTI; DECRBY account:alice 10; INCRBY account:bob 10; EXEC").ConfigureAwait(false);
                var transaction = db.CreateTransaction();
                var debit = transaction.StringDecrementAsync("account:alice", 10);
                var credit = transaction.StringIncrementAsync("account:bob", 10);
                await transaction.ExecuteAsync().ConfigureAwait(false);
                await Task.WhenAll(debit, credit).ConfigureAwait(false);
                break;
            case 3:
                await Echo($"HSET user:1 visits {i}").ConfigureAwait(false);
                await db.HashSetAsync("user:1", "visits", n).ConfigureAwait(false);
                await Echo($"SET cart:{i} \"3 items\"; EXPIRE cart:{i} 3").ConfigureAwait(false);
                await db.StringSetAsync("cart:" + i, "3 items").ConfigureAwait(false);
                await db.KeyExpireAsync("cart:" + i, TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                break;
            default:
                await Echo($"SADD tags t{i}; ZINCRBY leaderboard 5 bob; XADD events * type click n {i}").ConfigureAwait(false);
                await db.SetAddAsync("tags", "t" + i).ConfigureAwait(false);
                await db.SortedSetIncrementAsync("leaderboard", "bob", 5).ConfigureAwait(false);
                await db.StreamAddAsync("events", [new("type", "click"), new("n", i)]).ConfigureAwait(false);
                break;
        }
    }

    private Task Echo(string command) => echo.WriteLineAsync("demo> " + command);
}
