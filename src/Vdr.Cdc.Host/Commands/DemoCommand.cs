using System.CommandLine;
using System.Runtime.InteropServices;
using Vdr.Cdc.Host.Demo;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc demo [--duration &lt;seconds&gt;] [--redis-server &lt;path&gt;] [--no-writes] [--verbose]</c>: the whole
/// pipeline on a machine with nothing configured (see <see cref="DemoSession"/>). The header and the echoed writes
/// go to stderr, the events to stdout in the <c>vdr-cdc tail</c> format. Exit codes: 0 (stopped: duration reached,
/// Ctrl-C or SIGTERM), 1 (no Redis to start, or a failure while running), 2 (bad arguments).
/// </summary>
public static class DemoCommand
{
    /// <summary>Ctrl-C/SIGTERM: how long the demo may take to stop everything before the process is ended anyway.</summary>
    private static readonly TimeSpan TerminationTimeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var duration = new Option<double?>("--duration") { Description = "Stop by itself after this many seconds of sample writes (default: run until Ctrl-C)." };
        var redisServer = new Option<string?>("--redis-server") { Description = "The redis-server binary to start (default: the one on PATH; Docker when there is none)." };
        var noWrites = new Option<bool>("--no-writes") { Description = "Write only the initial dataset, no sample changes (make your own with redis-cli)." };
        var interval = new Option<double>("--write-interval") { Description = "Seconds between two rounds of sample changes.", DefaultValueFactory = _ => 1 };
        var verbose = new Option<bool>("--verbose") { Description = "Show the connector's information logs on stderr." };
        var command = new Command("demo", "Try it: a throwaway Redis, an in-process mock Kafka, the connector, sample writes, and the events as they flow.")
        {
            duration,
            redisServer,
            noWrites,
            interval,
            verbose,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            // Room for the graceful stop (commit, then Redis and Kafka removed) after Ctrl-C/SIGTERM; set before any await.
            parseResult.InvocationConfiguration.ProcessTerminationTimeout = TerminationTimeout;
            var seconds = parseResult.GetValue(duration);
            var every = parseResult.GetValue(interval);
            if (seconds is <= 0 or > 1e6 || every is <= 0 or > 3600)
            {
                await Console.Error.WriteLineAsync("vdr-cdc demo: --duration and --write-interval must be positive seconds.").ConfigureAwait(false);
                return 2;
            }

            var options = new DemoOptions
            {
                Duration = seconds is null ? null : TimeSpan.FromSeconds(seconds.Value),
                RedisServerPath = parseResult.GetValue(redisServer),
                SampleWrites = !parseResult.GetValue(noWrites),
                WriteInterval = TimeSpan.FromSeconds(every),
                Verbose = parseResult.GetValue(verbose),
            };
            // A closed terminal (SIGHUP) would otherwise end the process without any cleanup; the server runs in a
            // session of its own and would not get the hangup itself. SIGHUP stops the demo like Ctrl-C.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            await using var stdout = Console.OpenStandardOutput();
            return await DemoSession.RunAsync(options, stdout, Console.Error, stop.Token).ConfigureAwait(false);
        });
        return command;
    }
}
