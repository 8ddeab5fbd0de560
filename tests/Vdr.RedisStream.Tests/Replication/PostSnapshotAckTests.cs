using System.Diagnostics;
using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

/// <summary>
/// A diskless primary (Redis 7.0) puts the replica online only on a REPLCONF ACK that arrives after it has handled
/// the end of the transfer; the ACK sent right after the payload can come too early and is then ignored. The client
/// sends a few more ACKs right after the snapshot, so the stream starts long before the next periodic ACK.
/// </summary>
public class PostSnapshotAckTests
{
    private static readonly TimeSpan AckInterval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DisklessSnapshot_PrimaryIgnoresEarlyAck_StreamStartsLongBeforeTheAckInterval()
    {
        // The primary's side is played by a small server that does exactly what Redis 7.0 does, with a wide window:
        // ACKs within 150 ms of the end of the transfer are ignored. That makes the race deterministic.
        await using var primary = SlowOnlinePrimary.Start(TimeSpan.FromMilliseconds(150));
        var snapshotEnd = 0L;
        var firstCommand = 0L;
        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o => o.AckInterval = AckInterval), onMessage: m =>
        {
            if (m is SnapshotEndMessage)
            {
                snapshotEnd = Stopwatch.GetTimestamp();
            }
            else if (m is CommandMessage && firstCommand == 0)
            {
                firstCommand = Stopwatch.GetTimestamp();
            }

            return Task.CompletedTask;
        });
        await run.WaitForAsync(m => m.OfType<CommandMessage>().Any(), "the first streamed command", timeoutMs: 15_000);

        var gap = Stopwatch.GetElapsedTime(snapshotEnd, firstCommand);
        Assert.Equal("SET after 1", Assert.Single(run.CommandTexts()));
        Assert.True(primary.IgnoredAcks >= 1, "the ACK sent right after the payload should have reached the primary too early");
        // Without the extra ACKs the gap is the whole ACK interval; half of it leaves room for a loaded CI machine.
        Assert.True(gap < AckInterval / 2, $"the stream started {gap.TotalMilliseconds:F0} ms after the snapshot (ACK interval {AckInterval.TotalSeconds} s)");
    }

    [Fact]
    public async Task DisklessSnapshot_RealRedis_WriteRightAfterStreamsLongBeforeTheAckInterval()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await redis.CallAsync("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'before:' .. i, string.rep('x', 100)) end", "0", "1000");

        // A first full sync warms the decoder up (a cold JIT delays our end of the transfer past the primary's).
        await using (var warmUp = ReplicaRun.Start(ReplicaRun.Options(primary.Port)))
        {
            await warmUp.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the warm-up snapshot");
        }

        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o => o.AckInterval = AckInterval));
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot");
        var sinceSnapshot = Stopwatch.StartNew();
        await redis.CallAsync("SET", "after", "1");
        await run.WaitForAsync(m => m.OfType<CommandMessage>().Any(), "the first streamed command", timeoutMs: 15_000);
        var elapsed = sinceSnapshot.Elapsed;

        Assert.Equal("SET after 1", Assert.Single(run.CommandTexts()));
        Assert.True(elapsed < AckInterval / 2, $"the first command arrived {elapsed.TotalMilliseconds:F0} ms after the snapshot (ACK interval {AckInterval.TotalSeconds} s)");
    }
}
