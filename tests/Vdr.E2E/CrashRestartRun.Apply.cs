using System.Globalization;

namespace Vdr.E2E;

/// <summary>The consumer side: <c>vdr-cdc apply</c> into the target, killed once and restarted, until idle.</summary>
public sealed partial class CrashRestartRun
{
    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (_options.SkipApply)
        {
            await TailAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var random = new Random(_options.Seed + 3);
        var idle = _options.ApplyIdleSeconds.ToString(CultureInfo.InvariantCulture);
        string[] args = ["apply", "--kafka", _kafka!.BootstrapServers, "--topic-prefix", _name, "--redis", _target!.Url, "--name", _name + "-apply", "--exit-when-idle", idle];

        // First run: killed once it has started writing to the target (so mid-way), after a random extra delay (0-250 ms).
        var first = StartChild("apply-1.log", args);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!first.HasExited && await TargetKeysAsync().ConfigureAwait(false) == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                _result.Problems.Add($"vdr-cdc apply wrote nothing to the target within 120 s; see {first.LogPath}");
                break;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        await Task.Delay(random.Next(0, 250), cancellationToken).ConfigureAwait(false);
        if (first.HasExited)
        {
            _log($"e2e: apply finished (exit {first.ExitCode}) before it could be killed; see {first.LogPath}");
            _result.ApplySummary.AddRange(first.StdoutLines.TakeLast(5).Select(l => "run 1: " + l));
        }
        else
        {
            first.Kill();
            _result.ApplyKills++;
            _log($"e2e: SIGKILL apply at {_clock.Elapsed.TotalSeconds:0.0} s ({await TargetKeysAsync().ConfigureAwait(false)} keys in the target)");
            _result.ApplySummary.AddRange(first.StdoutLines.TakeLast(5).Select(l => "run 1 (killed): " + l));
        }

        var second = StartChild("apply-2.log", args);
        try
        {
            _result.ApplyExitCode = await second.WaitForExitAsync(TimeSpan.FromSeconds(300), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            _result.Problems.Add("vdr-cdc apply did not become idle and exit within 300 s (killed): " + e.Message);
        }

        _result.ApplySummary.AddRange(second.StdoutLines.TakeLast(5).Select(l => "run 2: " + l));
        var summary = second.StdoutLines.LastOrDefault(l => l.Contains("total_applied=", StringComparison.Ordinal));
        _result.EventsApplied = SummaryValue(summary, "total_applied");
        _result.DuplicatesSkipped = SummaryValue(summary, "duplicates_skipped");
        _log($"e2e: apply exited with code {_result.ApplyExitCode}");
        if (_result.ApplyExitCode != 0)
        {
            _log($"e2e: apply output ({second.LogPath}):\n{second.Tail(20)}");
        }
    }

    /// <summary>Connector-side check without apply: reads every data topic with <c>vdr-cdc tail</c> and counts events.</summary>
    private async Task TailAsync(CancellationToken cancellationToken)
    {
        var tail = StartChild("tail.log", ["tail", "--kafka", _kafka!.BootstrapServers, "--topic-prefix", _name, "--from-beginning", "--exit-when-idle", "3"]);
        var exit = await tail.WaitForExitAsync(TimeSpan.FromSeconds(300), cancellationToken).ConfigureAwait(false);
        var lines = tail.StdoutLines;
        var byOp = lines.Select(l => l.Split("\"op\":\"", 2)).Where(p => p.Length == 2).GroupBy(p => p[1].Split('"')[0]).Select(g => $"{g.Key} {g.Count()}");
        _result.ApplySummary.Add($"apply skipped (--skip-apply); vdr-cdc tail exit {exit}: {lines.Count} events ({string.Join(", ", byOp)})");
    }

    /// <summary>N of <c>name=N</c> in apply's summary line (<c>applied=N total_applied=N duplicates_skipped=N ...</c>).</summary>
    private static long? SummaryValue(string? summary, string name)
    {
        var field = summary?.Split(' ').FirstOrDefault(f => f.StartsWith(name + "=", StringComparison.Ordinal));
        return field is not null && long.TryParse(field.AsSpan(name.Length + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    /// <summary>Records deleted by Kafka make the comparison meaningless: a problem, named.</summary>
    private void CheckNothingDeleted()
    {
        var truncated = KafkaRetentionCheck.TruncatedPartitions(_kafka!.BootstrapServers, _name);
        if (truncated.Count > 0)
        {
            _result.Problems.Add($"Kafka deleted the oldest records of {truncated.Count} partitions ({string.Join("; ", truncated)}): "
                + "the topics no longer hold the whole history. The mock cluster keeps at most 5 MB per partition: use smaller --big/--big-string or fewer kills, or a real broker (VDR_TEST_KAFKA)");
            _log("e2e: " + _result.Problems[^1]);
        }
    }

    private async Task<long> TargetKeysAsync()
    {
        var server = _targetRedis!.GetServer(_targetRedis.GetEndPoints()[0]);
        var total = 0L;
        foreach (var db in await DigestComparison.DatabasesAsync(_targetRedis).ConfigureAwait(false))
        {
            total += await server.DatabaseSizeAsync(db).ConfigureAwait(false);
        }

        return total;
    }
}
