using System.Globalization;
using System.Net;
using StackExchange.Redis;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Management;

/// <summary>
/// The management endpoint of a running connector: real redis-server, Kafka (mock cluster or VDR_TEST_KAFKA), the host
/// built as <c>vdr-cdc run</c> builds it, HTTP requests to /healthz/live, /healthz/ready and /metrics.
/// </summary>
public sealed class ManagementEndpointTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly KafkaTestCluster _kafka = new();

    [Fact]
    public async Task Ready_RedisStoppedThenRestarted_NotReadyWhileDownAndReadyAfter()
    {
        var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        var port = redis.Port;
        var prefix = NewPrefix();
        await using var host = await ManagementTestHost.StartAsync(redis.EndPoint, _kafka.NewOptions(prefix), prefix + "-c", output);
        try
        {
            var ready = await host.WaitForStatusAsync("/healthz/ready", HttpStatusCode.OK, Timeout);
            Assert.Contains("\"status\":\"Healthy\"", ready, StringComparison.Ordinal);
            Assert.Matches("streaming|snapshotting", ready);

            redis.Kill();
            var down = await host.WaitForStatusAsync("/healthz/ready", HttpStatusCode.ServiceUnavailable, Timeout);
            Assert.Contains("not connected to Redis", down, StringComparison.Ordinal);
            var (liveStatus, liveBody) = await host.GetAsync("/healthz/live");
            Assert.True(liveStatus == HttpStatusCode.OK, "a lost Redis must not fail liveness: " + liveBody);

            await using var restarted = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"], port: port);
            var again = await host.WaitForStatusAsync("/healthz/ready", HttpStatusCode.OK, Timeout);
            Assert.Contains("\"status\":\"Healthy\"", again, StringComparison.Ordinal);
            var samples = await host.ScrapeAsync();
            Assert.True(Single(samples, "vdr_redisstream_reconnects_total") >= 1);
            // Ready again while the new snapshot streams (a restarted empty server means a full resync) or after it.
            Assert.Equal(1, Single(samples, "vdr_cdc_replication_state", ("connector", prefix + "-c"), ("state", "Streaming"))
                + Single(samples, "vdr_cdc_replication_state", ("connector", prefix + "-c"), ("state", "RdbTransfer")));
            Assert.Equal(0, Single(samples, "vdr_cdc_replication_state", ("connector", prefix + "-c"), ("state", "Disconnected")));
        }
        finally
        {
            redis.Dispose();
        }
    }

    [Fact]
    public async Task Live_RunningConnector_HealthyWithJsonBody()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        var prefix = NewPrefix();
        await using var host = await ManagementTestHost.StartAsync(redis.EndPoint, _kafka.NewOptions(prefix), prefix + "-c", output);

        var body = await host.WaitForStatusAsync("/healthz/live", HttpStatusCode.OK, Timeout);

        Assert.StartsWith("{\"status\":\"Healthy\",\"checks\":{\"liveness\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        var (status, _) = await host.GetAsync("/no-such-path");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Metrics_AfterSnapshotAndWrites_EverySeriesWithSaneValues()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint + ",allowAdmin=true");
        var db = connection.GetDatabase();
        await db.StringSetAsync("s1", "a");
        await db.StringSetAsync("s2", "b");
        await db.ListRightPushAsync("l", ["x", "y"]);
        var prefix = NewPrefix();
        var name = prefix + "-c";
        var topic = prefix + ".db0";
        await using var host = await ManagementTestHost.StartAsync(redis.EndPoint, _kafka.NewOptions(prefix), name, output, o =>
        {
            o.Management.Heartbeat.Enabled = true;
            o.Management.Heartbeat.Interval = TimeSpan.FromMilliseconds(200);
        });
        await host.WaitForStatusAsync("/healthz/ready", HttpStatusCode.OK, Timeout);

        await db.StringSetAsync("k1", "1");
        await db.StringSetAsync("k2", "2");
        await db.KeyDeleteAsync("s1");
        var transaction = db.CreateTransaction();
        _ = transaction.StringIncrementAsync("counter");
        _ = transaction.StringIncrementAsync("counter");
        await transaction.ExecuteAsync();
        var writtenUpTo = MasterOffset(connection, redis);

        // Every series the issue lists, once the writes are committed and the heartbeat has gone round once.
        var samples = await WaitForAsync(host, s =>
            Value(s, "vdr_cdc_committed_offset_bytes", ("connector", name)) >= writtenUpTo
            && Value(s, "vdr_cdc_heartbeat_lag_milliseconds", ("connector", name)) is not null
            && Value(s, "vdr_cdc_primary_offset_bytes", ("connector", name)) >= writtenUpTo);
        output.WriteLine(string.Join('\n', samples.Where(kv => kv.Key.StartsWith("vdr_", StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value}")));

        // Events per op and topic (the heartbeat key's SETs are upserts too; its first write may precede the snapshot).
        var snapshotKeys = Single(samples, "vdr_cdc_snapshot_keys", ("connector", name));
        Assert.InRange(snapshotKeys, 3, 4);
        Assert.Equal(snapshotKeys, Single(samples, "vdr_cdc_events_total", ("op", "Read"), ("topic", topic)));
        Assert.True(Single(samples, "vdr_cdc_events_total", ("op", "Upsert"), ("topic", topic)) >= 4);
        Assert.Equal(1, Single(samples, "vdr_cdc_events_total", ("op", "Delete"), ("topic", topic)));
        Assert.True(Single(samples, "vdr_cdc_events_total", ("op", "Tombstone"), ("topic", topic)) >= 1);

        // Transactions and commit latency.
        Assert.True(Single(samples, "vdr_cdc_transactions_committed_total") >= 2);
        Assert.True(Single(samples, "vdr_cdc_transactions_aborted_total") >= 0);
        var commits = Single(samples, "vdr_cdc_commit_duration_seconds_count");
        Assert.True(commits >= 2);
        Assert.Equal(commits, Single(samples, "vdr_cdc_commit_duration_seconds_bucket", ("le", "+Inf")));
        var latency = Single(samples, "vdr_cdc_commit_duration_seconds_sum") / commits;
        Assert.InRange(latency, 1e-6, 5);

        // Snapshot progress: every byte of the payload read.
        var read = Single(samples, "vdr_cdc_snapshot_read_bytes", ("connector", name));
        Assert.True(read > 9, "an RDB has a 9-byte header at least");
        Assert.Equal(read, Single(samples, "vdr_cdc_snapshot_size_bytes", ("connector", name)));
        Assert.Equal(0, Single(samples, "vdr_cdc_snapshot_active", ("connector", name)));

        // Replication link, reconnects, spool.
        Assert.Equal(1, Single(samples, "vdr_cdc_replication_state", ("connector", name), ("state", "Streaming")));
        Assert.Equal(0, Single(samples, "vdr_cdc_replication_state", ("connector", name), ("state", "Disconnected")));
        Assert.True(Single(samples, "vdr_redisstream_reconnects_total") >= 0);
        Assert.InRange(Single(samples, "vdr_cdc_spool_usage_bytes", ("connector", name)), 0, 64 * 1024 * 1024);
        Assert.True(Single(samples, "vdr_cdc_spool_spilled_peak_bytes", ("connector", name)) >= 0);

        // Heartbeat lag: commit time minus write time, in milliseconds (batches close after 50 ms here).
        Assert.InRange(Value(samples, "vdr_cdc_heartbeat_lag_milliseconds", ("connector", name))!.Value, 0, 10_000);
    }

    [Fact]
    public async Task Metrics_LagBytes_IsPrimaryOffsetFromInfoMinusCommittedOffset()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint + ",allowAdmin=true");
        var prefix = NewPrefix();
        var name = prefix + "-c";
        await using var host = await ManagementTestHost.StartAsync(redis.EndPoint, _kafka.NewOptions(prefix), name, output);
        await host.WaitForStatusAsync("/healthz/ready", HttpStatusCode.OK, Timeout);
        var db = connection.GetDatabase();
        for (var i = 0; i < 20; i++)
        {
            await db.StringSetAsync("key" + i, new string('v', 100));
        }

        // The offsets move only with writes and the primary's pings: retry until one scrape sees a consistent state.
        var before = MasterOffset(connection, redis);
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var samples = await host.ScrapeAsync();
            var after = MasterOffset(connection, redis);
            var primary = Value(samples, "vdr_cdc_primary_offset_bytes", ("connector", name));
            var committed = Value(samples, "vdr_cdc_committed_offset_bytes", ("connector", name));
            var lag = Value(samples, "vdr_cdc_replication_lag_bytes", ("connector", name));
            if (primary is { } p && committed is { } c && lag is { } l && p >= before && p == after && l == Math.Max(0, p - c))
            {
                output.WriteLine($"INFO master_repl_offset {after}, metric primary {p}, committed {c}, lag {l}");
                Assert.InRange(p, before, after);
                Assert.True(c <= after);
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no consistent scrape: INFO {before}..{after}, primary {primary}, committed {committed}, lag {lag}");
            await Task.Delay(100);
        }
    }

    public void Dispose() => _kafka.Dispose();

    private static string NewPrefix() => "mgmt" + Guid.NewGuid().ToString("N")[..8];

    private static long MasterOffset(ConnectionMultiplexer connection, RedisServerProcess redis) =>
        long.Parse(connection.GetServer(redis.EndPoint).Info("replication").SelectMany(g => g).First(p => p.Key == "master_repl_offset").Value, CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, double>> WaitForAsync(ManagementTestHost host, Func<Dictionary<string, double>, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var samples = await host.ScrapeAsync();
            if (condition(samples))
            {
                return samples;
            }

            Assert.True(DateTime.UtcNow < deadline, "metrics did not reach the expected state:\n" + string.Join('\n', samples.Where(kv => kv.Key.StartsWith("vdr_", StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value}")));
            await Task.Delay(100);
        }
    }

    /// <summary>The value of the one series named <paramref name="name"/> carrying every label given; fails when there is not exactly one.</summary>
    private static double Single(Dictionary<string, double> samples, string name, params (string Label, string Value)[] labels)
    {
        var matches = Matching(samples, name, labels).ToList();
        Assert.True(matches.Count == 1, $"{name} {string.Join(",", labels)}: {matches.Count} series, expected 1");
        return matches[0];
    }

    private static double? Value(Dictionary<string, double> samples, string name, params (string Label, string Value)[] labels) =>
        Matching(samples, name, labels).Select(v => (double?)v).SingleOrDefault();

    private static IEnumerable<double> Matching(Dictionary<string, double> samples, string name, (string Label, string Value)[] labels) =>
        samples.Where(kv => (kv.Key == name || kv.Key.StartsWith(name + "{", StringComparison.Ordinal))
                && labels.All(l => kv.Key.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(kv => kv.Value);
}
