using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Vdr.Cdc.Host.Output;
using Vdr.RedisStream.Rdb;

namespace Vdr.Cdc.Host.Commands;

/// <summary>
/// <c>vdr-cdc rdb &lt;file&gt; [--stats]</c>: decodes a snapshot file and prints one JSON line per key (see
/// <see cref="KeyJsonWriter"/> for the contract), or a summary with <c>--stats</c>. Exit 0 on success, 2 on a
/// missing/unreadable file or an invalid RDB (the message names the byte offset and the problem).
/// </summary>
public static class RdbCommand
{
    public const int ExitOk = 0;
    public const int ExitBadInput = 2;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The RDB snapshot file (for example dump.rdb)." };
        var stats = new Option<bool>("--stats") { Description = "Print a summary (keys per type and encoding, per db, biggest keys, RDB version, AUX fields) instead of the keys." };
        var command = new Command("rdb", "Decode an RDB snapshot file: one JSON object per key on stdout, in file order.")
        {
            file,
            stats,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var stdout = Console.OpenStandardOutput();
            return await RunAsync(
                parseResult.GetValue(file)!,
                parseResult.GetValue(stats),
                stdout,
                Console.Error,
                showProgress: !Console.IsErrorRedirected,
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The whole command, with its streams given (tests call it in-process).</summary>
    public static async Task<int> RunAsync(string path, bool stats, Stream stdout, TextWriter stderr, bool showProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        long fileBytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                await stderr.WriteLineAsync($"vdr-cdc rdb: {path}: no such file.").ConfigureAwait(false);
                return ExitBadInput;
            }

            fileBytes = info.Length;
            using var probe = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"vdr-cdc rdb: {path}: cannot read the file: {e.Message}").ConfigureAwait(false);
            return ExitBadInput;
        }

        var progress = showProgress && fileBytes >= ProgressMinBytes ? new Progress(stderr, fileBytes) : null;
        var summary = stats ? new RdbStats() : null;
        using var keys = stats ? null : new KeyJsonWriter(stdout);
        try
        {
            await using var reader = RdbReader.FromFile(path);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var record = reader.Current;
                if (summary is not null)
                {
                    summary.Add(record, reader.BytesConsumed);
                }
                else
                {
                    keys!.Write(record);
                }

                progress?.Tick(reader.BytesConsumed, record is RdbKeyEnd);
            }

            progress?.Done();
            if (summary is not null)
            {
                var text = summary.Format(path, fileBytes);
                await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                keys!.Flush();
            }

            return ExitOk;
        }
        catch (RdbFormatException e)
        {
            progress?.Done();
            keys?.Abandon();
            await stderr.WriteLineAsync($"vdr-cdc rdb: {path}: {e.Message}").ConfigureAwait(false);
            return ExitBadInput;
        }
        catch (IOException e)
        {
            progress?.Done();
            keys?.Abandon();
            await stderr.WriteLineAsync($"vdr-cdc rdb: {path}: I/O error: {e.Message}").ConfigureAwait(false);
            return ExitBadInput;
        }
    }

    private const long ProgressMinBytes = 32L << 20;

    /// <summary>A one-line progress indication on stderr (a terminal), refreshed at most twice a second.</summary>
    private sealed class Progress(TextWriter stderr, long totalBytes)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _keys;
        private long _nextMs = 500;
        private int _calls;

        public void Tick(long bytes, bool keyDone)
        {
            if (keyDone)
            {
                _keys++;
            }

            if ((++_calls & 1023) != 0 || _clock.ElapsedMilliseconds < _nextMs)
            {
                return;
            }

            _nextMs = _clock.ElapsedMilliseconds + 500;
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            var line = string.Create(
                CultureInfo.InvariantCulture,
                $"\r{100.0 * bytes / totalBytes,5:F1}%  {bytes / 1048576.0:F0}/{totalBytes / 1048576.0:F0} MB  {_keys:N0} keys  {bytes / 1048576.0 / seconds:F0} MB/s ");
            stderr.Write(line);
            stderr.Flush();
        }

        public void Done()
        {
            if (_nextMs > 500)
            {
                stderr.Write("\r" + new string(' ', 60) + "\r");
                stderr.Flush();
            }
        }
    }
}
