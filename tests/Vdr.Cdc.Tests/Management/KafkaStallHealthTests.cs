using System.Net;
using StackExchange.Redis;
using Vdr.Cdc.Kafka;
using Vdr.Testing;
using Xunit.Abstractions;

namespace Vdr.Cdc.Tests.Management;

/// <summary>Kafka stops answering while Redis keeps writing: changes wait for a commit, readiness then liveness fail with the reason.</summary>
public sealed class KafkaStallHealthTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Health_KafkaGoneWhileWritesArrive_NotReadyThenNotLive()
    {
        await using var redis = await RedisServerProcess.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.EndPoint);
        var kafka = MockKafkaCluster.Start();
        var prefix = "stall" + Guid.NewGuid().ToString("N")[..8];
        kafka.CreateTopic(prefix + ".progress", 1);
        var options = new KafkaOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            TopicPrefix = prefix,
            TopicCreation = TopicCreation.BrokerAutoCreate,
            OperationTimeout = TimeSpan.FromSeconds(5),
        };
        await using var host = await ManagementTestHost.StartAsync(redis.EndPoint, options, prefix + "-c", output, o =>
        {
            o.Management.StallTimeout = TimeSpan.FromSeconds(1);
            o.Management.LivenessStallTimeout = TimeSpan.FromSeconds(3);
        });
        try
        {
            await host.WaitForStatusAsync("/healthz/ready", HttpStatusCode.OK, Timeout);
            var deadline = DateTime.UtcNow + Timeout;
            while (host.Connector.Telemetry.LastCommitted is not { Phase: Vdr.Cdc.Events.V1.Phase.Streaming })
            {
                Assert.True(DateTime.UtcNow < deadline, "the snapshot was not committed in time");
                await Task.Delay(50);
            }

            kafka.Dispose();
            await connection.GetDatabase().StringSetAsync("waiting", "for kafka");
            var notReady = await host.WaitForStatusAsync("/healthz/ready", HttpStatusCode.ServiceUnavailable, Timeout);
            Assert.Contains("nothing committed to Kafka", notReady, StringComparison.Ordinal);
            var notLive = await host.WaitForStatusAsync("/healthz/live", HttpStatusCode.ServiceUnavailable, Timeout);
            Assert.Matches("nothing committed to Kafka|the connector worker", notLive);
        }
        finally
        {
            kafka.Dispose();
        }
    }
}
