using System.Globalization;

namespace Vdr.E2E;

/// <summary>The connector side: kill/restart loop, the source restart, catch-up.</summary>
public sealed partial class CrashRestartRun
{
    private int _connectorGeneration;
    private long _connectorMark;

    /// <summary>
    /// Runs <c>vdr-cdc run</c> while the workload writes, SIGKILLs it at moments drawn from the seeded schedule and
    /// restarts it, until at least <see cref="E2EOptions.Kills"/> kills and one source restart happened (the workload
    /// keeps writing until then). The first kill and the one after the source restart aim at the full sync's
    /// snapshot; the others at streaming (0-1.5 s after the connector streams: between or inside transactions) or at
    /// any moment after start (start-up, InitTransactions, progress read, PSYNC). Returns the connector left running.
    /// </summary>
    private async Task<ChildProcess> ChaosAsync(Workload workload, Task workloadTask, CancellationToken cancellationToken)
    {
        var random = new Random(_options.Seed + 2);
        var sourceRestartAfterKill = 1 + random.Next(Math.Max(1, _options.Kills - 2));
        var target = "snapshot";
        var connector = StartConnector();
        while (_result.Kills.Count < _options.Kills || _result.SourceRestarts == 0)
        {
            if (workloadTask.IsFaulted)
            {
                await workloadTask.ConfigureAwait(false);
            }

            switch (target)
            {
                case "snapshot":
                    // A full sync's snapshot (if this start does one): kill a little after the RDB starts arriving.
                    await connector.WaitForLineAsync(IsSnapshotStart, TimeSpan.FromSeconds(20), cancellationToken, since: _connectorMark).ConfigureAwait(false);
                    await Task.Delay(random.Next(0, 400), cancellationToken).ConfigureAwait(false);
                    break;
                case "streaming":
                    await connector.WaitForLineAsync(IsStreaming, TimeSpan.FromSeconds(30), cancellationToken, since: _connectorMark).ConfigureAwait(false);
                    await Task.Delay(random.Next(0, 1500), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await Task.Delay(random.Next(100, 6000), cancellationToken).ConfigureAwait(false);
                    break;
            }

            if (connector.HasExited)
            {
                _result.UnexpectedExits.Add($"connector generation {_connectorGeneration} exited with code {connector.ExitCode} by itself ({connector.LogPath}): {LastError(connector)}");
                _log($"e2e: UNEXPECTED: connector generation {_connectorGeneration} exited with code {connector.ExitCode}; see {connector.LogPath}");
            }
            else
            {
                var phase = ConnectorPhase(connector);
                connector.Kill();
                _result.Kills.Add(phase);
                _log($"e2e: kill {_result.Kills.Count}: SIGKILL connector generation {_connectorGeneration} at {_clock.Elapsed.TotalSeconds:0.0} s, {DateTime.UtcNow:HH:mm:ss.fff} UTC (aimed at {target}, was {phase})");
            }

            var roll = random.Next(10);
            target = roll < 6 ? "streaming" : roll < 8 ? "anytime" : "snapshot";
            await Task.Delay(random.Next(0, 300), cancellationToken).ConfigureAwait(false);
            connector = StartConnector();
            if (_result.Kills.Count >= sourceRestartAfterKill && _result.SourceRestarts == 0)
            {
                // Restart the source under a streaming connector: it reconnects and has to full-resync.
                await connector.WaitForLineAsync(IsStreaming, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                await Task.Delay(random.Next(0, 500), cancellationToken).ConfigureAwait(false);
                _connectorMark = connector.LineCount;
                await RestartSourceAsync(workload, cancellationToken).ConfigureAwait(false);
                target = "snapshot";
            }
        }

        return connector;
    }

    private ChildProcess StartConnector()
    {
        _connectorGeneration++;
        var config = Path.Combine(_work, "connector.json");
        if (!File.Exists(config))
        {
            // The mock cluster cannot create topics through the admin API; it auto-creates them (4 partitions).
            var creation = _kafka!.IsReal ? "Admin" : "BrokerAutoCreate";
            File.WriteAllText(config, "{\"Vdr\":{\"Cdc\":{\"Kafka\":{\"TopicCreation\":\"" + creation + "\"}}}}");
        }

        var connector = StartChild(
            string.Create(CultureInfo.InvariantCulture, $"connector-{_connectorGeneration}.log"),
            ["run", "--redis", _source!.Url, "--kafka", _kafka!.BootstrapServers, "--name", _name, "--topic-prefix", _name, "--config", config]);
        _connectorMark = 0;
        return connector;
    }

    /// <summary>SHUTDOWN (AOF flushed) and start again on the same port and directory, with the workload held meanwhile.</summary>
    private async Task RestartSourceAsync(Workload workload, CancellationToken cancellationToken)
    {
        await workload.PauseAsync(cancellationToken).ConfigureAwait(false);
        var before = await ReplicationInfoAsync().ConfigureAwait(false);
        var old = _sourceRedis!;
        await _source!.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        await _source.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        _sourceRedis = await ConnectAsync(_source).ConfigureAwait(false);
        workload.Resume(_sourceRedis);
        old.Dispose();
        var after = await ReplicationInfoAsync().ConfigureAwait(false);
        _result.SourceRestarts++;
        _log($"e2e: source restarted at {_clock.Elapsed.TotalSeconds:0.0} s (SHUTDOWN, same port and dir, data from the AOF): replication id {before.GetValueOrDefault("master_replid")} offset {before.GetValueOrDefault("master_repl_offset")} -> {after.GetValueOrDefault("master_replid")} offset {after.GetValueOrDefault("master_repl_offset")}");
    }

    /// <summary>
    /// Makes sure a connector runs, waits until the source reports the connector's ACK (its committed offset) equal to
    /// master_repl_offset, then stops it gracefully (SIGTERM).
    /// </summary>
    private async Task CatchUpAndStopAsync(ChildProcess connector, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            if (connector.HasExited)
            {
                // A crash or a fatal error: recorded (the run fails), restarted a few times to let the comparison show the damage.
                _result.UnexpectedExits.Add($"connector generation {_connectorGeneration} exited with code {connector.ExitCode} by itself ({connector.LogPath}): {LastError(connector)}");
                _log($"e2e: UNEXPECTED: connector generation {_connectorGeneration} exited with code {connector.ExitCode} while catching up; see {connector.LogPath}");
                if (_result.UnexpectedExits.Count > 3)
                {
                    _log("e2e: giving up catching up; comparing what arrived");
                    return;
                }

                connector = StartConnector();
            }

            var info = await ReplicationInfoAsync().ConfigureAwait(false);
            var master = long.Parse(info["master_repl_offset"], CultureInfo.InvariantCulture);
            var acked = info.Where(kv => kv.Key.StartsWith("slave", StringComparison.Ordinal) && kv.Value.Contains("offset=", StringComparison.Ordinal))
                .Select(kv => long.Parse(kv.Value.Split(',').First(p => p.StartsWith("offset=", StringComparison.Ordinal))[7..], CultureInfo.InvariantCulture))
                .DefaultIfEmpty(-1).Max();
            if (acked == master)
            {
                _result.SourceOffset = master;
                _log($"e2e: connector caught up: committed offset {acked} = master_repl_offset");
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                _result.Problems.Add($"the connector did not catch up within 120 s: ACKed offset {acked}, master_repl_offset {master}; see {connector.LogPath}");
                _log("e2e: " + _result.Problems[^1]);
                break;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        _result.ConnectorFinalExitCode = await connector.TerminateAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        _log($"e2e: connector stopped with SIGTERM: exit code {_result.ConnectorFinalExitCode}");
    }

    private async Task<Dictionary<string, string>> ReplicationInfoAsync()
    {
        var server = _sourceRedis!.GetServer(_sourceRedis.GetEndPoints()[0]);
        var groups = await server.InfoAsync("replication").ConfigureAwait(false);
        return groups.SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>starting / snapshot / streaming, from the connector's lifecycle log lines.</summary>
    private static string ConnectorPhase(ChildProcess connector)
    {
        var phase = "starting";
        foreach (var line in connector.AllLines)
        {
            if (IsSnapshotStart(line))
            {
                phase = "snapshot";
            }
            else if (IsStreaming(line))
            {
                phase = "streaming";
            }
        }

        return phase;
    }

    /// <summary>The replication client's "Full resync: ..." or "Snapshot transfer started" (the RDB is arriving).</summary>
    private static bool IsSnapshotStart(string line) =>
        line.Contains("Full resync", StringComparison.OrdinalIgnoreCase) || line.Contains("Snapshot transfer started", StringComparison.OrdinalIgnoreCase);

    private static bool IsStreaming(string line) =>
        line.Contains("Partial resync accepted", StringComparison.OrdinalIgnoreCase)
        || (line.Contains("Snapshot epoch", StringComparison.OrdinalIgnoreCase) && line.Contains("finished", StringComparison.OrdinalIgnoreCase));

    private static string LastError(ChildProcess child) =>
        child.AllLines.LastOrDefault(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? child.Tail(1);
}
