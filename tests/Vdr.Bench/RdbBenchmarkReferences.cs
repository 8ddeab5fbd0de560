using System.Diagnostics;
using System.Globalization;
using Vdr.Testing;

namespace Vdr.Bench;

/// <summary>The native references of the <c>rdb</c> benchmark, timed as whole processes.</summary>
internal static class RdbBenchmarkReferences
{
    /// <summary>Seconds <c>redis-check-rdb FILE</c> takes (it parses every key; output discarded).</summary>
    public static async Task<double> CheckRdbAsync(string path, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(RedisBinaries.CheckRdb) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-check-rdb did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var text = await stdout + await stderr;
        if (process.ExitCode != 0 || !text.Contains("RDB looks OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-check-rdb failed (exit {process.ExitCode}):\n{text}");
        }

        return seconds;
    }

    /// <summary>Seconds from starting redis-server on the file until its log says "DB loaded from disk".</summary>
    public static async Task<double> ServerLoadAsync(string path, CancellationToken cancellationToken)
    {
        var dir = Path.Combine(Path.GetTempPath(), "vdr-bench-load-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.CreateSymbolicLink(Path.Combine(dir, "dump.rdb"), Path.GetFullPath(path));
        var psi = new ProcessStartInfo(RedisBinaries.Server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var arg in new[] { "--port", FreePort.Next().ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            psi.ArgumentList.Add(arg);
        }

        var loaded = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                loaded.TrySetException(new InvalidOperationException("redis-server exited before loading:\n" + log));
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data.Contains("DB loaded from disk", StringComparison.Ordinal))
            {
                loaded.TrySetResult(clock.Elapsed.TotalSeconds);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return await loaded.Task.WaitAsync(TimeSpan.FromMinutes(10), cancellationToken);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            Directory.Delete(dir, recursive: true);
        }
    }
}
