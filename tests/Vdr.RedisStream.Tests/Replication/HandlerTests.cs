using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vdr.RedisStream.Hosting;
using Vdr.RedisStream.Rdb;
using Vdr.RedisStream.Replication;
using Vdr.Testing;

namespace Vdr.RedisStream.Tests.Replication;

public class HandlerTests
{
    [Fact]
    public async Task Runner_RealServer_CallbacksInOrderBatchesConfirmedCallAndInfo()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await redis.CallAsync("SET", "before", "1");
        var handler = new RecordingHandler();
        await using var runner = new ReplicationRunner(ReplicaRun.Options(primary.Port), handler);
        using var cts = new CancellationTokenSource();
        var running = runner.RunAsync(null, cts.Token);
        await WaitAsync(() => handler.Events.Contains("streaming-start:full"));
        for (var i = 0; i < 200; i++)
        {
            await redis.SendAsync("INCR", "n");
        }

        for (var i = 0; i < 200; i++)
        {
            await redis.ReadReplyAsync();
        }

        var offset = await redis.MasterOffsetAsync();
        await WaitAsync(() => runner.Client.ProcessedPosition?.Offset == offset);
        Assert.Equal(200, handler.Commands);
        Assert.True(handler.Batches < 200, $"commands arrive in batches ({handler.Batches} batches)");
        Assert.Equal(200L, await runner.CallAsync("count", CancellationToken.None));
        Assert.Equal("handled 200", runner.HandlerState);

        await cts.CancelAsync();
        await running.ContinueWith(_ => { }, TaskScheduler.Default);
        var events = handler.Events;
        Assert.Equal("init:null", events[0]);
        Assert.StartsWith("replication-start:", events[1], StringComparison.Ordinal);
        Assert.Contains("snapshot:RdbKeyStart", events);
        Assert.Equal("destroy:", events[^1]);
        Assert.True(events.IndexOf("snapshot:RdbEnd") < events.IndexOf("streaming-start:full"));
    }

    [Fact]
    public async Task Filter_ExcludeAndTransformComposed_DroppedCommandsStillMoveThePosition()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        var filter = CommandFilter.ExcludeCommands("publish")
            .Then(CommandFilter.Where(c => !System.Text.Encoding.ASCII.GetString(c.Args[1]).StartsWith("tmp:", StringComparison.Ordinal)))
            .Then(CommandFilter.Select(c => c with { Args = [.. c.Args.Select(a => a.ToArray())] }));
        await using var run = ReplicaRun.Start(ReplicaRun.Options(primary.Port, o => o.CommandFilter = filter));
        await run.WaitForAsync(m => m.Any(x => x is SnapshotEndMessage), "the snapshot");
        await redis.CallAsync("SET", "keep", "1");
        await redis.CallAsync("PUBLISH", "chan", "hello");
        await redis.CallAsync("SET", "tmp:x", "1");
        await redis.CallAsync("MULTI");
        await redis.CallAsync("SET", "tmp:a", "1");
        await redis.CallAsync("SET", "tmp:b", "1");
        await redis.CallAsync("EXEC");
        var offset = await redis.MasterOffsetAsync();
        await run.WaitForOffsetAsync(offset);
        Assert.Equal(["SET keep 1"], run.CommandTexts());
        Assert.Contains(run.Messages, m => m is HeartbeatMessage h && h.Position.Offset == offset);
        Assert.Equal(offset, run.Client.ProcessedPosition!.Value.Offset);
    }

    [Fact]
    public void AddRedisReplica_RegistersHandlerRunnerAndHostedService()
    {
        var services = new ServiceCollection();
        services.AddRedisReplica<RecordingHandler>(o => o.Url = "redis://127.0.0.1:6390");
        Assert.Contains(services, d => d.ServiceType == typeof(RecordingHandler));
        Assert.Contains(services, d => d.ServiceType == typeof(ReplicationRunner));
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ReplicationHostedService));
    }

    [Fact]
    public async Task AddRedisReplica_InARealHost_HandlerGetsSnapshotAndCommandsUntilTheHostStops()
    {
        await using var primary = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var redis = await RawRedis.ConnectAsync(primary.Port);
        await redis.CallAsync("SET", "before", "1");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddRedisReplica<RecordingHandler>(o =>
        {
            o.Url = $"redis://127.0.0.1:{primary.Port}";
            o.AckInterval = TimeSpan.FromMilliseconds(200);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var handler = host.Services.GetRequiredService<RecordingHandler>();
        var runner = host.Services.GetRequiredService<ReplicationRunner>();
        await WaitAsync(() => handler.Events.Contains("streaming-start:full"));
        for (var i = 0; i < 10; i++)
        {
            await redis.CallAsync("INCR", "n");
        }

        var offset = await redis.MasterOffsetAsync();
        await WaitAsync(() => runner.Client.ProcessedPosition?.Offset == offset);
        Assert.Equal(10, handler.Commands);

        await host.StopAsync();
        var events = handler.Events;
        Assert.Equal("init:null", events[0]);
        Assert.Contains("snapshot:RdbKeyStart", events);
        Assert.Equal("destroy:", events[^1]);
        Assert.Equal(ReplicationState.Stopped, runner.Client.State);
    }

    private static async Task WaitAsync(Func<bool> condition, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not reached");
            }

            await Task.Delay(10);
        }
    }

    internal sealed class RecordingHandler : IReplicationHandler
    {
        private readonly List<string> _events = [];
        private long _commands;

        public List<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public long Commands => Interlocked.Read(ref _commands);

        public int Batches { get; private set; }

        public ValueTask InitAsync(ReplicationPosition? from, CancellationToken cancellationToken) => Add($"init:{from?.ToString() ?? "null"}");

        public ValueTask ReplicationStartAsync(FullResyncMessage fullResync, CancellationToken cancellationToken) => Add($"replication-start:{fullResync.ReplicationId}");

        public ValueTask SnapshotRecordAsync(RdbRecord record, CancellationToken cancellationToken) => Add($"snapshot:{record.GetType().Name}");

        public async ValueTask<ReplicationPosition?> StreamingStartAsync(ReplicationPosition position, bool afterFullResync, CancellationToken cancellationToken)
        {
            await Add($"streaming-start:{(afterFullResync ? "full" : "partial")}");
            return position;
        }

        public ValueTask<ReplicationPosition?> HandleCommandsAsync(IReadOnlyList<ReplicationMessage> batch, CancellationToken cancellationToken)
        {
            Batches++;
            Interlocked.Add(ref _commands, batch.OfType<CommandMessage>().Count());
            return ValueTask.FromResult(ReplicaRun.PositionOf(batch[^1]));
        }

        public ValueTask DisconnectedAsync(DisconnectedMessage disconnected, CancellationToken cancellationToken) => Add("disconnected");

        public ValueTask<object?> CallAsync(object request, CancellationToken cancellationToken) => ValueTask.FromResult<object?>(request is "count" ? Commands : null);

        public object? Info() => $"handled {Commands}";

        public ValueTask DestroyAsync(Exception? error, CancellationToken cancellationToken) => Add($"destroy:{error?.GetType().Name}");

        private ValueTask Add(string e)
        {
            lock (_events)
            {
                _events.Add(e);
            }

            return ValueTask.CompletedTask;
        }
    }
}
