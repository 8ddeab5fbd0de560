using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Vdr.E2E;

/// <summary>
/// The crash-and-restart digest test (issue 6): a source and a target redis-server, Kafka, an initial dataset, a
/// write workload while <c>vdr-cdc run</c> is SIGKILLed and restarted (and the source restarted once, for a full
/// resync), catch-up, <c>vdr-cdc apply</c> into the target (SIGKILLed and restarted once), then the source and the
/// target must have the same <c>DEBUG DIGEST</c> and the same keys, values and expiries.
/// </summary>
public sealed partial class CrashRestartRun : IAsyncDisposable
{
    private readonly E2EOptions _options;
    private readonly Action<string> _log;
    private readonly E2EResult _result;
    private readonly string _vdrCdc;
    private readonly string _work;
    private readonly string _name;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<IDisposable> _children = [];
    private TimeSpan _phaseStart;
    private KafkaEndpoint? _kafka;
    private RedisNode? _source;
    private RedisNode? _target;
    private ConnectionMultiplexer? _sourceRedis;
    private ConnectionMultiplexer? _targetRedis;

    private CrashRestartRun(E2EOptions options, Action<string> log)
    {
        _options = options;
        _log = log;
        _vdrCdc = options.ResolveVdrCdc();
        _name = string.Create(CultureInfo.InvariantCulture, $"e2e{options.Seed}-{Guid.NewGuid().ToString("N")[..6]}");
        _work = Path.Combine(options.WorkRoot ?? Path.GetTempPath(), "vdr-" + _name);
        Directory.CreateDirectory(_work);
        _result = new E2EResult { Seed = options.Seed, WorkDirectory = _work };
    }

    /// <summary>Runs the whole test; <paramref name="log"/> receives progress lines. Never throws for a mismatch: see <see cref="E2EResult.Passed"/>.</summary>
    public static async Task<E2EResult> RunAsync(E2EOptions options, Action<string> log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var run = new CrashRestartRun(options, log);
        var passed = false;
        try
        {
            await run.RunAsync(timeout.Token).ConfigureAwait(false);
            run.Report();
            passed = run._result.Passed;
            return run._result;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the run took longer than {options.Timeout}; logs in {run._work}");
        }
        finally
        {
            await run.DisposeAsync().ConfigureAwait(false);
            if (passed && !options.Keep)
            {
                TryDelete(run._work);
            }
            else
            {
                log($"e2e: work directory kept: {run._work}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children)
        {
            child.Dispose();
        }

        _sourceRedis?.Dispose();
        _targetRedis?.Dispose();
        if (_source is not null)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        if (_target is not null)
        {
            await _target.DisposeAsync().ConfigureAwait(false);
        }

        _kafka?.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        _log($"e2e: seed {_options.Seed}, workload {_options.Duration.TotalSeconds:0.#} s at <= {_options.Rate} commands/s, >= {_options.Kills} connector kills; vdr-cdc: {_vdrCdc}");
        _log($"e2e: work directory {_work}");
        _kafka = await KafkaEndpoint.StartAsync(_vdrCdc, _work, cancellationToken).ConfigureAwait(false);
        _result.Kafka = _kafka.Description;
        _log($"e2e: Kafka for this run: {_kafka.Description}");

        // The source keeps its data across the restart in its AOF (and gets a new replication id: a full resync); its
        // backlog lets most connector restarts resume with a partial resync; diskless sync starts without delay.
        _source = await RedisNode.StartAsync("source", Path.Combine(_work, "source"), ["--appendonly", "yes", "--repl-diskless-sync-delay", "0", "--repl-backlog-size", "32mb"], cancellationToken).ConfigureAwait(false);
        _target = await RedisNode.StartAsync("target", Path.Combine(_work, "target"), [], cancellationToken).ConfigureAwait(false);
        _sourceRedis = await ConnectAsync(_source).ConfigureAwait(false);
        _targetRedis = await ConnectAsync(_target).ConfigureAwait(false);
        _log($"e2e: source redis-server at {_source.EndPoint}, target at {_target.EndPoint} ({_work})");
        Phase("start");

        var bigElements = _options.BigElements ?? (_kafka.IsReal ? 200_000 : 30_000);
        var bigString = _options.BigStringBytes ?? (_kafka.IsReal ? 5 * 1024 * 1024 : 600_000);
        var loaded = await Dataset.LoadAsync(_sourceRedis, new Random(_options.Seed), bigElements, bigString).ConfigureAwait(false);
        _log($"e2e: initial dataset: {loaded} write commands, {await DbSizeAsync(_sourceRedis).ConfigureAwait(false)} keys (big list/hash of {bigElements} elements, {bigString} byte string)");
        Phase("dataset");

        var workload = new Workload(_sourceRedis, _options.Seed + 1);
        var chaosDone = false;
        var workloadTask = workload.RunAsync(_options.Duration, () => Volatile.Read(ref chaosDone), _options.Rate, cancellationToken);
        var connector = await ChaosAsync(workload, workloadTask, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref chaosDone, true);
        await workloadTask.ConfigureAwait(false);
        _result.WorkloadCommands = workload.Commands;
        _result.WorkloadErrors = workload.Errors;
        _log($"e2e: workload done: {workload.Commands} commands ({workload.Transactions} MULTI/EXEC, {workload.Scripts} scripts, FLUSHDB: {workload.Flushed}), {workload.Errors} errors");
        Phase("workload + kills");

        await CatchUpAndStopAsync(connector, cancellationToken).ConfigureAwait(false);
        Phase("catch-up");

        await ApplyAsync(cancellationToken).ConfigureAwait(false);
        Phase("apply");

        CheckNothingDeleted();
        await CompareAsync().ConfigureAwait(false);
        Phase("compare");
        if (!_result.Passed && !_options.SkipApply)
        {
            // For the post-mortem: every event as JSON, while the (mock) Kafka still holds them.
            var dump = StartChild("events.log", ["tail", "--kafka", _kafka.BootstrapServers, "--topic-prefix", _name, "--from-beginning", "--exit-when-idle", "3"]);
            await dump.WaitForExitAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
            _log($"e2e: every event of the run (vdr-cdc tail): {dump.LogPath}");
        }
    }

    private async Task CompareAsync()
    {
        _result.BookkeepingKeysRemoved = await DigestComparison.DeleteMatchingAsync(_targetRedis!, _options.ApplyBookkeepingPattern).ConfigureAwait(false);
        _result.SourceDigest = await DigestComparison.DigestAsync(_sourceRedis!).ConfigureAwait(false);
        _result.TargetDigest = await DigestComparison.DigestAsync(_targetRedis!).ConfigureAwait(false);
        _result.Differences.AddRange(await DigestComparison.CompareKeysAsync(_sourceRedis!, _targetRedis!).ConfigureAwait(false));
    }

    private void Report()
    {
        var r = _result;
        _log($"e2e: Kafka: {r.Kafka}");
        _log($"e2e: connector kills: {r.Kills.Count} ({string.Join(", ", r.Kills.GroupBy(k => k).Select(g => $"{g.Key} {g.Count()}"))}); source restarts: {r.SourceRestarts}; unexpected connector exits: {r.UnexpectedExits.Count}; final graceful stop exit code: {r.ConnectorFinalExitCode}");
        foreach (var exit in r.UnexpectedExits)
        {
            _log($"e2e:   unexpected exit: {exit}");
        }

        foreach (var problem in r.Problems)
        {
            _log($"e2e:   problem: {problem}");
        }

        _log($"e2e: apply kills: {r.ApplyKills}; apply exit code: {r.ApplyExitCode}; events applied: {r.EventsApplied?.ToString(CultureInfo.InvariantCulture) ?? "?"}; duplicates skipped: {r.DuplicatesSkipped?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        foreach (var line in r.ApplySummary)
        {
            _log($"e2e: apply: {line}");
        }

        _log($"e2e: workload: {r.WorkloadCommands} commands, {r.WorkloadErrors} errors; source offset {r.SourceOffset}; apply bookkeeping keys removed from the target: {r.BookkeepingKeysRemoved}");
        _log($"e2e: timings: {string.Join(", ", r.Timings.Select(t => $"{t.Phase} {t.Elapsed.TotalSeconds:0.0} s"))}; total {_clock.Elapsed.TotalSeconds:0.0} s");
        _log($"e2e: source digest {r.SourceDigest}");
        _log($"e2e: target digest {r.TargetDigest}");
        if (r.Differences.Count > 0)
        {
            _log($"e2e: {r.Differences.Count} keys differ; the first 20:");
            foreach (var d in r.Differences.Take(20))
            {
                _log($"e2e:   {d}");
            }
        }

        _log(r.Passed
            ? "e2e: PASS: source and target are identical"
            : $"e2e: FAIL (seed {r.Seed}): {(r.DigestsEqual ? "digests equal" : "digests DIFFER")}, {r.Differences.Count} keys differ, {r.UnexpectedExits.Count} unexpected exits, {r.Problems.Count} other problems, connector exit {r.ConnectorFinalExitCode}, apply exit {r.ApplyExitCode}; logs in {r.WorkDirectory}");
    }

    private void Phase(string name)
    {
        var now = _clock.Elapsed;
        _result.Timings.Add((name, now - _phaseStart));
        _phaseStart = now;
    }

    private ChildProcess StartChild(string logName, IEnumerable<string> args)
    {
        var child = ChildProcess.Start(_vdrCdc, args, Path.Combine(_work, logName));
        _children.Add(child);
        return child;
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(RedisNode node)
    {
        var options = ConfigurationOptions.Parse(node.EndPoint);
        options.AllowAdmin = true;
        options.TieBreaker = "";
        options.ConfigurationChannel = "";
        options.AbortOnConnectFail = false;
        options.SyncTimeout = 30_000;
        options.AsyncTimeout = 30_000;
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    private static async Task<long> DbSizeAsync(IConnectionMultiplexer redis)
    {
        var total = 0L;
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        foreach (var db in await DigestComparison.DatabasesAsync(redis).ConfigureAwait(false))
        {
            total += await server.DatabaseSizeAsync(db).ConfigureAwait(false);
        }

        return total;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
        catch (UnauthorizedAccessException)
        {
            // Left for the OS to clean.
        }
    }
}
