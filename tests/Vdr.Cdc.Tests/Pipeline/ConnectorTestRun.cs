using Vdr.Cdc.Events.V1;
using Vdr.Cdc.Kafka;
using Vdr.Cdc.Tests.Kafka;
using Vdr.Testing;

namespace Vdr.Cdc.Tests.Pipeline;

/// <summary>What the tests that run a whole <see cref="RedisCdcConnector"/> against a redis-server share.</summary>
internal static class ConnectorTestRun
{
    /// <summary>A connector named after <paramref name="prefix"/>, ACKs every 100 ms, commits after at most 50 ms.</summary>
    public static CdcOptions Options(RedisServerProcess redis, KafkaTestCluster kafka, string prefix)
    {
        var options = new CdcOptions
        {
            Name = prefix + "-connector",
            Redis = new RedisSourceOptions { Url = $"redis://{redis.EndPoint}", AckInterval = TimeSpan.FromMilliseconds(100) },
            Kafka = kafka.NewOptions(prefix),
        };
        options.Kafka.Batch = new BatchOptions { MaxDelay = TimeSpan.FromMilliseconds(50), SnapshotMaxDelay = TimeSpan.FromMilliseconds(50) };
        return options;
    }

    /// <summary>Waits until the snapshot is committed (the connector streams); fails if it stops or the deadline passes.</summary>
    public static async Task<Vdr.Cdc.Pipeline.CdcPipeline> WaitForStreamingAsync(RedisCdcConnector connector, Task run, DateTime deadline)
    {
        Vdr.Cdc.Pipeline.CdcPipeline? pipeline;
        while ((pipeline = connector.Pipeline)?.LastCommitted is not { Phase: Phase.Streaming })
        {
            Assert.False(run.IsCompleted, $"the connector stopped: {run.Exception?.GetBaseException().Message}");
            Assert.True(DateTime.UtcNow < deadline, "the snapshot was not committed in time");
            await Task.Delay(20);
        }

        return pipeline;
    }
}
