namespace Vdr.Cdc.Host.Demo;

/// <summary>
/// Chooses the demo's Redis: a local <c>redis-server</c> binary when there is one, else a Docker container when an
/// engine answers, else a <see cref="DemoSetupException"/> that says what to install.
/// </summary>
internal static class DemoRedisLauncher
{
    private static readonly TimeSpan DockerProbeTimeout = TimeSpan.FromSeconds(2);

    public static async Task<IDemoRedis> StartAsync(DemoOptions options, TextWriter stderr, CancellationToken cancellationToken)
    {
        var binary = LocalRedisServer.FindBinary(options.RedisServerPath);
        if (binary is not null)
        {
            foreach (var leftover in DemoLeftovers.Sweep())
            {
                await stderr.WriteLineAsync($"vdr-cdc demo: removed what an earlier, killed demo left: {leftover}").ConfigureAwait(false);
            }

            return await LocalRedisServer.StartAsync(binary, cancellationToken).ConfigureAwait(false);
        }

        var docker = await DockerProbe.FindAsync(DockerProbeTimeout, cancellationToken).ConfigureAwait(false);
        var noBinary = options.RedisServerPath is null
            ? "no redis-server on PATH"
            : $"--redis-server {options.RedisServerPath}: no such file";
        if (docker.Endpoint is null)
        {
            throw new DemoSetupException(
                $"""
                no Redis to run the demo against.
                  redis-server: {noBinary}
                  Docker:       {docker.Reason}
                Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; Fedora: sudo dnf install redis;
                macOS: brew install redis) or start Docker, then run the demo again; --redis-server <path> names a
                redis-server binary that is not on PATH.
                """);
        }

        await stderr.WriteLineAsync($"vdr-cdc demo: {noBinary}; starting {ContainerRedis.Image} in Docker ({docker.Endpoint}), the first time pulls the image...").ConfigureAwait(false);
        return await ContainerRedis.StartAsync(cancellationToken).ConfigureAwait(false);
    }
}
