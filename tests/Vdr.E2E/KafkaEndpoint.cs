namespace Vdr.E2E;

/// <summary>
/// The Kafka of a run: a real cluster when <c>VDR_TEST_KAFKA</c> names its bootstrap servers, else a
/// <c>vdr-cdc mock-kafka</c> child process (librdkafka's mock cluster, which shows aborted transactions to
/// read_committed consumers: apply's position bookkeeping is what keeps the target exact there).
/// </summary>
public sealed class KafkaEndpoint : IDisposable
{
    private readonly ChildProcess? _mock;

    private KafkaEndpoint(string bootstrapServers, string description, ChildProcess? mock)
    {
        BootstrapServers = bootstrapServers;
        Description = description;
        _mock = mock;
    }

    public string BootstrapServers { get; }

    public string Description { get; }

    /// <summary>True for a real broker (topics created by the connector's admin client; aborted records hidden).</summary>
    public bool IsReal => _mock is null;

    public static async Task<KafkaEndpoint> StartAsync(string vdrCdc, string workDirectory, CancellationToken cancellationToken)
    {
        var external = Environment.GetEnvironmentVariable("VDR_TEST_KAFKA");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new KafkaEndpoint(external, $"external Kafka at {external} (VDR_TEST_KAFKA)", null);
        }

        var mock = ChildProcess.Start(vdrCdc, ["mock-kafka", "--brokers", "1"], Path.Combine(workDirectory, "mock-kafka.log"));
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var first = mock.StdoutLines.FirstOrDefault();
                if (!string.IsNullOrWhiteSpace(first))
                {
                    return new KafkaEndpoint(first.Trim(), $"librdkafka mock cluster at {first.Trim()} (vdr-cdc mock-kafka, pid {mock.Id}; set VDR_TEST_KAFKA=host:port for a real broker)", mock);
                }

                if (mock.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"vdr-cdc mock-kafka printed no bootstrap servers (exited: {mock.HasExited}):\n{mock.Tail(20)}");
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            mock.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_mock is not null)
        {
            try
            {
                _mock.TerminateAsync(TimeSpan.FromSeconds(10), CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (TimeoutException)
            {
                // Killed by TerminateAsync.
            }

            _mock.Dispose();
        }
    }
}
