using System.Diagnostics;
using System.Globalization;
using Vdr.RedisStream.Replication;
using Vdr.RedisStream.Tests.Replication;
using Vdr.Testing;

namespace Vdr.Bench;

/// <summary>
/// <c>replicate</c>: our replication client (a null consumer that confirms every position) against a native
/// <c>redis-server --replicaof</c>, side by side in one run.
/// <list type="number">
/// <item>Streaming: a primary under <c>redis-benchmark -P 16 -t set,incr,lpush,hset,sadd,zadd -n N -r 100000</c>
/// with both replicas attached: sustained commands/s, and lag in bytes (primary master_repl_offset minus the
/// replica's offset) sampled every 100 ms: median and max for each.</item>
/// <item>Full sync: time of our client (handshake to snapshot end, every record decoded) vs a native replica
/// (start to master_link_status:up) on the same dataset (DEBUG POPULATE keys + big collections), alternating.</item>
/// </list>
/// </summary>
public sealed class ReplBenchmark : IBenchmark
{
    public string Name => "replicate";

    public string Description => "replication client vs native replica: streaming lag under redis-benchmark load, full-sync time (flags: -n N, --keys N, --runs N, --only stream|fullsync)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var requests = int.Parse(Flag(args, "-n") ?? "200000", CultureInfo.InvariantCulture);
        var keys = int.Parse(Flag(args, "--keys") ?? "1000000", CultureInfo.InvariantCulture);
        var runs = int.Parse(Flag(args, "--runs") ?? "2", CultureInfo.InvariantCulture);
        var only = Flag(args, "--only");
        if (only is null or "stream")
        {
            await StreamingAsync(requests, cancellationToken);
        }

        if (only is null or "fullsync")
        {
            await FullSyncAsync(keys, runs, cancellationToken);
        }

        return 0;
    }

    private static async Task StreamingAsync(int requests, CancellationToken cancellationToken)
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0", "--repl-backlog-size", "64mb"], cancellationToken: cancellationToken);
        await using var native = await RedisServerProcess.StartAsync(["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture)], cancellationToken: cancellationToken);
        await using var primaryClient = await RawRedis.ConnectAsync(primary.Port);
        await using var nativeClient = await RawRedis.ConnectAsync(native.Port);
        await WaitAsync(async () => await nativeClient.InfoAsync("master_link_status") == "up", cancellationToken);

        await using var ours = new RedisReplicationClient(new RedisReplicaOptions { Url = $"redis://127.0.0.1:{primary.Port}" });
        long commands = 0;
        var synced = new TaskCompletionSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var consumer = Task.Run(async () =>
        {
            await foreach (var message in ours.StartReplicationAsync(null, stop.Token))
            {
                switch (message)
                {
                    case CommandMessage c:
                        commands++;
                        ours.SetProcessedPosition(c.Position);
                        break;
                    case TransactionMessage t:
                        commands += t.Commands.Count;
                        ours.SetProcessedPosition(t.Position);
                        break;
                    case HeartbeatMessage h:
                        ours.SetProcessedPosition(h.Position);
                        break;
                    case SnapshotEndMessage e:
                        ours.SetProcessedPosition(e.Position);
                        synced.TrySetResult();
                        break;
                    case DisconnectedMessage d:
                        Console.WriteLine($"  our client disconnected: {d.Reason}");
                        break;
                }
            }
        }, CancellationToken.None);
        await synced.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

        Console.WriteLine($"streaming: redis-benchmark -P 16 -t set,incr,lpush,hset,sadd,zadd -n {requests} -r 100000 on a 2-core machine, native replica and our client attached");
        var psi = new ProcessStartInfo(RedisBinaries.Benchmark) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-P", "16", "-t", "set,incr,lpush,hset,sadd,zadd", "-n", requests.ToString(CultureInfo.InvariantCulture), "-r", "100000", "-q" })
        {
            psi.ArgumentList.Add(a);
        }

        var oursLag = new List<long>();
        var nativeLag = new List<long>();
        var startOffset = ours.Position?.Offset ?? 0;
        var stopwatch = Stopwatch.StartNew();
        using var bench = Process.Start(psi)!;
        var output = bench.StandardOutput.ReadToEndAsync(cancellationToken);
        while (!bench.HasExited)
        {
            // ours is read right after the primary (in-process, no round trip), the native replica one INFO round
            // trip later: if anything, this favours the native replica
            var p = await primaryClient.InfoInt64Async("master_repl_offset");
            var o = ours.Position?.Offset ?? 0;
            var n = await nativeClient.InfoInt64Async("slave_repl_offset");
            oursLag.Add(Math.Max(0, p - o));
            nativeLag.Add(Math.Max(0, p - n));
            await Task.Delay(100, cancellationToken);
        }

        var loadSeconds = stopwatch.Elapsed.TotalSeconds;
        var finalOffset = await primaryClient.InfoInt64Async("master_repl_offset");
        var caughtUp = Stopwatch.StartNew();
        while ((ours.Position?.Offset ?? 0) < finalOffset && caughtUp.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5, cancellationToken);
        }

        var drainSeconds = caughtUp.Elapsed.TotalSeconds;
        await WaitAsync(async () => await nativeClient.InfoInt64Async("slave_repl_offset") >= finalOffset, cancellationToken);
        var total = stopwatch.Elapsed.TotalSeconds;
        foreach (var line in (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // redis-benchmark -q redraws a progress line with \r; keep its final state
            Console.WriteLine("  " + line.Split('\r', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim());
        }

        var bytes = finalOffset - startOffset;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load phase {loadSeconds:0.00} s; stream {bytes / 1e6:0.0} MB, {commands} commands received by our client"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  our client: {commands / (loadSeconds + drainSeconds):0} commands/s sustained ({bytes / 1e6 / (loadSeconds + drainSeconds):0.0} MB/s), caught up {drainSeconds * 1000:0} ms after the load ended"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  lag bytes (sampled every 100 ms, {oursLag.Count} samples): ours median {Median(oursLag)} max {oursLag.DefaultIfEmpty().Max()} | native median {Median(nativeLag)} max {nativeLag.DefaultIfEmpty().Max()}"));
        var ratio = Median(nativeLag) == 0 ? double.NaN : (double)Median(oursLag) / Median(nativeLag);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  median lag ratio ours/native: {ratio:0.00} (target <= 2)"));
        _ = total;
        await stop.CancelAsync();
        await consumer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static async Task FullSyncAsync(int keys, int runs, CancellationToken cancellationToken)
    {
        await using var primary = await RedisServerProcess.StartAsync(["--enable-debug-command", "yes", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"], cancellationToken: cancellationToken);
        await using (var client = await RawRedis.ConnectAsync(primary.Port))
        {
            await client.CallAsync("DEBUG", "POPULATE", keys.ToString(CultureInfo.InvariantCulture), "key", "100");
            await client.CallAsync("EVAL", "for i=1,200000 do redis.call('RPUSH', 'biglist', i) end for i=1,100000 do redis.call('HSET', 'bighash', 'f'..i, i) redis.call('ZADD', 'bigzset', i, 'm'..i) redis.call('SADD', 'bigset', 'm'..i) end", "0");
        }

        Console.WriteLine($"full sync: {keys} keys (DEBUG POPULATE, 100-byte values) + a 200k list, 100k hash, zset and set; diskless transfer, alternating native / ours, {runs} runs");
        var nativeTimes = new List<double>();
        var ourTimes = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            nativeTimes.Add(await NativeFullSyncAsync(primary.Port, cancellationToken));
            ourTimes.Add(await OurFullSyncAsync(primary.Port, cancellationToken));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {run + 1}: native {nativeTimes[^1]:0.00} s, ours {ourTimes[^1]:0.00} s"));
        }

        var bestNative = nativeTimes.Min();
        var bestOurs = ourTimes.Min();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  best: native {bestNative:0.00} s, ours {bestOurs:0.00} s, ratio native/ours {bestNative / bestOurs:0.00} (target >= 1.0)"));
    }

    private static async Task<double> NativeFullSyncAsync(int primaryPort, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var native = await RedisServerProcess.StartAsync(["--replicaof", "127.0.0.1", primaryPort.ToString(CultureInfo.InvariantCulture)], cancellationToken: cancellationToken);
        await using var client = await RawRedis.ConnectAsync(native.Port);
        await WaitAsync(async () => await client.InfoAsync("master_link_status") == "up", cancellationToken, pollMs: 5);
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> OurFullSyncAsync(int primaryPort, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var ours = new RedisReplicationClient(new RedisReplicaOptions { Url = $"redis://127.0.0.1:{primaryPort}", Reconnect = false });
        long records = 0;
        await foreach (var message in ours.StartReplicationAsync(null, cancellationToken))
        {
            records++;
            if (message is SnapshotEndMessage)
            {
                break;
            }
        }

        return stopwatch.Elapsed.TotalSeconds;
    }

    private static long Median(List<long> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, CancellationToken cancellationToken, int pollMs = 20)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("benchmark condition not reached within 5 minutes");
            }

            await Task.Delay(pollMs, cancellationToken);
        }
    }

    private static string? Flag(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
