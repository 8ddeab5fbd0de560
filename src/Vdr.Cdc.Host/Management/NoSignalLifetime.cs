using Microsoft.Extensions.Hosting;

namespace Vdr.Cdc.Host.Management;

/// <summary>The management web app's lifetime: the outer host handles Ctrl-C/SIGTERM and stops it; it listens to no signal itself.</summary>
internal sealed class NoSignalLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
