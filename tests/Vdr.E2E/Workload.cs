using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Vdr.E2E;

/// <summary>
/// The write workload: non-idempotent commands (a replay that duplicates or drops one changes the digest) drawn
/// from a seeded <see cref="Random"/>, at a bounded rate, on db 0 and db 1 — INCR, INCRBYFLOAT, APPEND,
/// LPUSH/RPUSH/LPOP, SADD/SREM/SPOP, ZINCRBY, HINCRBY, HSET/HDEL, EXPIRE/PERSIST (long TTLs), DEL, RENAME, XADD,
/// MULTI/EXEC blocks, a Lua script (EVAL), writes to the big keys, and one FLUSHDB (db 1) half way.
/// <see cref="PauseAsync"/>/<see cref="Resume"/> hold it between two commands (for the source restart).
/// </summary>
public sealed class Workload
{
    /// <summary>Key types (key prefixes); a key only ever holds its prefix's type (RENAME stays within a prefix).</summary>
    public static readonly string[] Types = ["str", "cnt", "flt", "list", "set", "zset", "hash", "stream"];

    private const string Script =
        "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) " +
        "redis.call('RPUSH', KEYS[2], n) " +
        "redis.call('HINCRBY', KEYS[3], 'script', n) " +
        "return n";

    private readonly Random _random;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnectionMultiplexer _redis;
    private bool _flushed;

    public Workload(IConnectionMultiplexer redis, int seed)
    {
        _redis = redis;
        _random = new Random(seed);
    }

    /// <summary>Commands sent (a MULTI/EXEC block or a script counts its commands).</summary>
    public long Commands { get; private set; }

    /// <summary>Commands the server rejected (none expected; reported).</summary>
    public long Errors { get; private set; }

    public long Transactions { get; private set; }

    public long Scripts { get; private set; }

    public bool Flushed => _flushed;

    /// <summary>
    /// Runs for at least <paramref name="duration"/> and until <paramref name="mayStop"/> says so, at about
    /// <paramref name="rate"/> commands per second.
    /// </summary>
    public async Task RunAsync(TimeSpan duration, Func<bool> mayStop, int rate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mayStop);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration || !mayStop())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_flushed && clock.Elapsed > duration / 2)
                {
                    await _redis.GetServer(_redis.GetEndPoints()[0]).FlushDatabaseAsync(1).ConfigureAwait(false);
                    _flushed = true;
                    Commands++;
                }

                await OneAsync().ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }

            var ahead = Commands / (double)rate - clock.Elapsed.TotalSeconds;
            if (ahead > 0.005)
            {
                await Task.Delay(TimeSpan.FromSeconds(ahead), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits until the workload is between two commands and holds it there.</summary>
    public Task PauseAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    /// <summary>Lets the workload continue, on <paramref name="redis"/> (a new connection after a restart).</summary>
    public void Resume(IConnectionMultiplexer redis)
    {
        _redis = redis;
        _gate.Release();
    }

    private async Task OneAsync()
    {
        var db = _redis.GetDatabase(_random.Next(5) == 0 ? 1 : 0);
        var roll = _random.Next(100);
        try
        {
            if (roll < 6)
            {
                await TransactionAsync(db).ConfigureAwait(false);
            }
            else if (roll < 9)
            {
                await ScriptAsync(db).ConfigureAwait(false);
            }
            else if (roll < 11)
            {
                await BigKeyAsync().ConfigureAwait(false);
            }
            else if (roll < 13)
            {
                Commands++;
                await db.KeyExpireAsync(Dataset.Key(RandomType(), KeyIndex()), Dataset.LongTtl(_random)).ConfigureAwait(false);
            }
            else if (roll < 14)
            {
                Commands++;
                await db.KeyPersistAsync(Dataset.Key(RandomType(), KeyIndex())).ConfigureAwait(false);
            }
            else if (roll < 16)
            {
                Commands++;
                await db.KeyDeleteAsync(Dataset.Key(RandomType(), KeyIndex())).ConfigureAwait(false);
            }
            else if (roll < 18)
            {
                var type = RandomType();
                Commands++;
                await db.ExecuteAsync("RENAME", Dataset.Key(type, KeyIndex()), Dataset.Key(type, KeyIndex())).ConfigureAwait(false);
            }
            else
            {
                Commands++;
                await SingleAsync(db, _random.Next(15)).ConfigureAwait(false);
            }
        }
        catch (RedisServerException e) when (e.Message.StartsWith("ERR no such key", StringComparison.Ordinal))
        {
            // RENAME of a key that does not exist: expected now and then, and not replicated.
        }
        catch (RedisServerException)
        {
            Errors++;
        }
    }

    private Task SingleAsync(IDatabaseAsync db, int which)
    {
        var i = KeyIndex();
        return which switch
        {
            0 => db.StringIncrementAsync(Dataset.Key("cnt", i), _random.Next(1, 5)),
            1 => db.StringIncrementAsync(Dataset.Key("flt", i), Math.Round(_random.NextDouble() * 10, 3)),
            2 => db.StringAppendAsync(Dataset.Key("str", i), Dataset.RandomText(_random, 1 + _random.Next(12))),
            3 => db.ListLeftPushAsync(Dataset.Key("list", i), Dataset.Values(_random, 1 + _random.Next(3))),
            4 => db.ListRightPushAsync(Dataset.Key("list", i), Dataset.Values(_random, 1 + _random.Next(3))),
            5 => db.ListLeftPopAsync(Dataset.Key("list", i), 1 + _random.Next(2)),
            6 => db.SetAddAsync(Dataset.Key("set", i), Dataset.Values(_random, 1 + _random.Next(3))),
            7 => db.SetRemoveAsync(Dataset.Key("set", i), Dataset.Values(_random, 1 + _random.Next(3))),
            8 => db.SetPopAsync(Dataset.Key("set", i), 1 + _random.Next(2)),
            9 => db.SortedSetIncrementAsync(Dataset.Key("zset", i), _random.Next(1000).ToString(CultureInfo.InvariantCulture), _random.Next(-3, 4) / 2.0),
            10 => db.HashIncrementAsync(Dataset.Key("hash", i), "n" + _random.Next(50).ToString(CultureInfo.InvariantCulture), _random.Next(1, 10)),
            11 => db.HashSetAsync(Dataset.Key("hash", i), "f" + _random.Next(50).ToString(CultureInfo.InvariantCulture), Dataset.RandomText(_random, 6)),
            12 => db.HashDeleteAsync(Dataset.Key("hash", i), "f" + _random.Next(50).ToString(CultureInfo.InvariantCulture)),
            13 => db.StreamAddAsync(Dataset.Key("stream", i % 20 * 10), "f", Dataset.RandomText(_random, 5)),
            _ => db.StringSetAsync(Dataset.Key("str", i), Dataset.RandomText(_random, 1 + _random.Next(20))),
        };
    }

    private async Task TransactionAsync(IDatabase db)
    {
        var transaction = db.CreateTransaction();
        var queued = new List<Task>();
        var count = 2 + _random.Next(4);
        for (var n = 0; n < count; n++)
        {
            queued.Add(SingleAsync(transaction, _random.Next(15)));
        }

        Commands += count;
        Transactions++;
        await transaction.ExecuteAsync().ConfigureAwait(false);
        foreach (var task in queued)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (RedisServerException)
            {
                Errors++;
            }
        }
    }

    private async Task ScriptAsync(IDatabase db)
    {
        var i = KeyIndex();
        Commands += 3;
        Scripts++;
        await db.ScriptEvaluateAsync(Script, [Dataset.Key("cnt", i), Dataset.Key("list", i), Dataset.Key("hash", i)], [_random.Next(1, 100)]).ConfigureAwait(false);
    }

    private Task BigKeyAsync()
    {
        var db0 = _redis.GetDatabase(0);
        Commands++;
        return _random.Next(5) switch
        {
            0 => db0.ListLeftPushAsync("big:list", Dataset.RandomText(_random, 10)),
            1 => db0.ListRightPopAsync("big:list"),
            2 => db0.HashIncrementAsync("big:hash", "field-" + _random.Next(250_000).ToString(CultureInfo.InvariantCulture)),
            3 => db0.SortedSetIncrementAsync("big:zset", "member-" + _random.Next(60_000).ToString(CultureInfo.InvariantCulture), 1),
            _ => db0.StringAppendAsync("big:string", Dataset.RandomText(_random, 100)),
        };
    }

    private string RandomType() => Types[_random.Next(Types.Length)];

    private int KeyIndex() => _random.Next(Dataset.KeysPerType);
}
