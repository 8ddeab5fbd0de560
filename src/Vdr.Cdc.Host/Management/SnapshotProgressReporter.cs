using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vdr.Cdc.Diagnostics;

namespace Vdr.Cdc.Host.Management;

/// <summary>
/// Shows the snapshot's progress while one runs: on an interactive terminal a progress bar on stderr redrawn in
/// place (percent, keys/s, ETA); otherwise an Information log line every <paramref name="logInterval"/> (10 s).
/// </summary>
internal sealed class SnapshotProgressReporter(
    RedisCdcConnector connector,
    ILogger<SnapshotProgressReporter> logger,
    TextWriter terminal,
    bool interactive,
    TimeSpan? logInterval = null,
    TimeProvider? time = null)
    : BackgroundService
{
    private static readonly TimeSpan BarInterval = TimeSpan.FromMilliseconds(250);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>True when stderr is a terminal (not redirected) and the terminal can redraw a line.</summary>
    public static bool IsInteractiveTerminal() =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not ("dumb" or null or "");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var telemetry = connector.Telemetry;
        var interval = interactive ? BarInterval : logInterval ?? TimeSpan.FromSeconds(10);
        var rates = new RateWindow();
        var drawing = false;
        DateTimeOffset? current = null;
        var nextLog = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(interactive ? BarInterval : TimeSpan.FromTicks(Math.Min(interval.Ticks, TimeSpan.TicksPerSecond)), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var progress = telemetry.SnapshotProgress;
                var now = _time.GetUtcNow();
                if (progress.StartedAt != current)
                {
                    current = progress.StartedAt;
                    rates = new RateWindow();
                    nextLog = now + interval;
                }

                rates.Add(now, progress.Keys, progress.BytesRead);
                var view = new SnapshotProgressView(progress, telemetry.ExpectedSnapshotKeys, rates.KeysPerSecond, rates.BytesPerSecond);
                if (interactive)
                {
                    if (progress.InProgress)
                    {
                        await terminal.WriteAsync("\r\u001b[2K" + view.RenderBar(30)).ConfigureAwait(false);
                        await terminal.FlushAsync(stoppingToken).ConfigureAwait(false);
                        drawing = true;
                    }
                    else if (drawing)
                    {
                        drawing = false;
                        await terminal.WriteLineAsync("\r\u001b[2K" + view.RenderBar(30)).ConfigureAwait(false);
                        await terminal.FlushAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
                else if (progress.InProgress && now >= nextLog)
                {
                    nextLog = now + interval;
                    ManagementLog.SnapshotProgress(
                        logger,
                        view.PercentText,
                        progress.BytesRead,
                        progress.BytesTotal >= 0 ? progress.BytesTotal.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown (diskless)",
                        progress.Keys,
                        Math.Round(view.KeysPerSecond),
                        Math.Round(view.BytesPerSecond / (1024 * 1024), 1),
                        view.EtaText);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (drawing)
            {
                await terminal.WriteLineAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Rates over the last few seconds of samples.</summary>
    private sealed class RateWindow
    {
        private static readonly TimeSpan Span = TimeSpan.FromSeconds(5);
        private readonly Queue<(DateTimeOffset At, long Keys, long Bytes)> _samples = new();

        public double KeysPerSecond { get; private set; }

        public double BytesPerSecond { get; private set; }

        public void Add(DateTimeOffset at, long keys, long bytes)
        {
            _samples.Enqueue((at, keys, bytes));
            while (_samples.Count > 2 && at - _samples.Peek().At > Span)
            {
                _samples.Dequeue();
            }

            var first = _samples.Peek();
            var seconds = (at - first.At).TotalSeconds;
            if (seconds > 0)
            {
                KeysPerSecond = Math.Max(0, keys - first.Keys) / seconds;
                BytesPerSecond = Math.Max(0, bytes - first.Bytes) / seconds;
            }
        }
    }
}
