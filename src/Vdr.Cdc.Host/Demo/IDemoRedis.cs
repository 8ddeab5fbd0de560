namespace Vdr.Cdc.Host.Demo;

/// <summary>A throwaway Redis the demo started; disposing it stops it and removes everything it left.</summary>
internal interface IDemoRedis : IAsyncDisposable
{
    /// <summary>Host name or address clients connect to.</summary>
    string Host { get; }

    /// <summary>Port clients connect to (on <see cref="Host"/>).</summary>
    int Port { get; }

    /// <summary>How it runs, for the header: "local redis-server /usr/bin/redis-server, pid 123, dir /tmp/...".</summary>
    string Description { get; }

    /// <summary>True once the server went away on its own (crashed, SHUTDOWN from a client).</summary>
    bool HasExited { get; }
}
