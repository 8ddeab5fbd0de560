namespace Vdr.Cdc.Pipeline;

/// <summary>
/// A replication session the pipeline consumes: start from a position (null = full synchronisation), receive
/// messages, acknowledge what is committed. One instance per session; a rewind disposes it and creates a new one.
/// </summary>
public interface IChangeSource : IAsyncDisposable
{
    /// <summary>The server replicated from (host:port), stamped on events.</summary>
    string Server { get; }

    IAsyncEnumerable<SourceMessage> StartAsync(SourcePosition? from, CancellationToken cancellationToken);

    /// <summary>Everything up to <paramref name="committed"/> is durable in Kafka: acknowledge it to the primary.</summary>
    void Acknowledge(SourcePosition committed);
}
