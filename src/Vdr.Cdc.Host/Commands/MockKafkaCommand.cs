using System.CommandLine;
using Vdr.Cdc.Kafka;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc mock-kafka [--brokers N]</c>: runs librdkafka's built-in mock Kafka cluster until Ctrl-C/SIGTERM, for
/// trying the connector (or scripting end-to-end tests) on a machine without a broker. Prints the bootstrap servers
/// as the first line on stdout. The mock keeps everything in memory and shows aborted transactions to
/// read_committed consumers; it is not a broker for real data.
/// </summary>
public static class MockKafkaCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers") { Description = "Number of mock brokers (1-10).", DefaultValueFactory = _ => 3 };
        var command = new Command("mock-kafka", "Run an in-memory mock Kafka cluster (librdkafka's) until Ctrl-C; prints its bootstrap servers.")
        {
            brokers,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var count = parseResult.GetValue(brokers);
            if (count is < 1 or > 10)
            {
                await Console.Error.WriteLineAsync($"vdr-cdc mock-kafka: --brokers {count}: give 1 to 10.").ConfigureAwait(false);
                return 2;
            }

            using var cluster = MockKafkaCluster.Start(count);
            await Console.Out.WriteLineAsync(cluster.BootstrapServers).ConfigureAwait(false);
            await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"vdr-cdc mock-kafka: {cluster.Description}; Ctrl-C stops it.").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: the cluster is disposed on the way out.
            }

            return 0;
        });
        return command;
    }
}
