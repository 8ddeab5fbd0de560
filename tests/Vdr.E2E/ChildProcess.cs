using System.Diagnostics;
using System.Globalization;

namespace Vdr.E2E;

/// <summary>
/// A <c>vdr-cdc</c> child process (run, apply, mock-kafka): stdout and stderr are written to a log file and kept in
/// memory, so the harness can wait for a line and quote the output when something goes wrong.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const int MaxLines = 5000;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly List<string> _lines = [];
    private readonly List<string> _stdout = [];
    private long _lineCount;
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    public string LogPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Lines printed so far on stdout (stderr lines are in <see cref="AllLines"/> and the log file).</summary>
    public IReadOnlyList<string> StdoutLines
    {
        get
        {
            lock (_lines)
            {
                return [.. _stdout];
            }
        }
    }

    public IReadOnlyList<string> AllLines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="executable"/> (a <c>.dll</c> runs through <c>dotnet</c>) with <paramref name="args"/>.
    /// </summary>
    public static ChildProcess Start(string executable, IEnumerable<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = executable.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { executable } }
            : new ProcessStartInfo(executable);
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = false;
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var process = new Process { StartInfo = psi };
        var child = new ChildProcess(process, logPath);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, stdout: false);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{executable} did not start");
        }

        child.Append($"# started pid {process.Id}: {psi.FileName} {string.Join(' ', psi.ArgumentList)}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>How many lines the process printed so far (a mark for <see cref="WaitForLineAsync"/>).</summary>
    public long LineCount
    {
        get
        {
            lock (_lines)
            {
                return _lineCount;
            }
        }
    }

    /// <summary>True when a line printed since <paramref name="since"/> (a <see cref="LineCount"/>) matches.</summary>
    public bool HasLine(Func<string, bool> match, long since = 0)
    {
        lock (_lines)
        {
            return LinesSince(since).Any(match);
        }
    }

    /// <summary>
    /// Waits for an output line matching <paramref name="match"/>, printed after line number <paramref name="since"/>
    /// (a <see cref="LineCount"/>); null when the process exits first or the time is up.
    /// </summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken, long since = 0)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            var existing = LinesSince(since).FirstOrDefault(match);
            if (existing is not null)
            {
                return existing;
            }

            _waiters.Add((match, found));
        }

        var exited = _process.WaitForExitAsync(cancellationToken);
        var winner = await Task.WhenAny(found.Task, exited, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        lock (_lines)
        {
            _waiters.RemoveAll(w => w.Found == found);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return found.Task.IsCompletedSuccessfully ? await found.Task.ConfigureAwait(false) : null;
    }

    /// <summary>SIGKILL, as a crash: no graceful anything. Waits until the process is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        Append("# killed with SIGKILL");
    }

    /// <summary>SIGTERM (graceful stop), then waits for the exit; SIGKILL and an exception if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the process to exit by itself; SIGKILL and a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            throw new TimeoutException($"pid {_process.Id} did not exit within {timeout}; killed. Output: {LogPath}\n{Tail(30)}");
        }

        // Let the asynchronous readers deliver the last lines.
        await Task.WhenAny(Task.WhenAll(_outputClosed.Task, _errorClosed.Task), Task.Delay(2000, cancellationToken)).ConfigureAwait(false);
        Append($"# exited with code {_process.ExitCode}");
        return _process.ExitCode;
    }

    /// <summary>The last <paramref name="count"/> output lines.</summary>
    public string Tail(int count)
    {
        lock (_lines)
        {
            return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - count)));
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        lock (_lines)
        {
            _log.Dispose();
        }
    }

    private IEnumerable<string> LinesSince(long since)
    {
        var skip = since - (_lineCount - _lines.Count);
        return skip <= 0 ? _lines : _lines.Skip((int)skip);
    }

    private void OnLine(string? line, bool stdout)
    {
        if (line is null)
        {
            (stdout ? _outputClosed : _errorClosed).TrySetResult();
            return;
        }

        if (stdout)
        {
            lock (_lines)
            {
                _stdout.Add(line);
            }
        }

        Append(line);
    }

    private void Append(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
            _lineCount++;
            if (_lines.Count > MaxLines)
            {
                _lines.RemoveRange(0, _lines.Count - MaxLines);
            }

            try
            {
                _log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            }
            catch (ObjectDisposedException)
            {
                // Disposed while the process still printed its last lines.
            }

            foreach (var (match, found) in _waiters)
            {
                if (match(line))
                {
                    found.TrySetResult(line);
                }
            }
        }
    }
}
