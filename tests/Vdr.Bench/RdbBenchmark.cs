using System.Diagnostics;
using System.Globalization;
using Vdr.RedisStream.Rdb;
using Vdr.Testing;

namespace Vdr.Bench;

/// <summary>
/// <c>rdb</c>: our <see cref="RdbReader"/> against Redis's own C code on the same files, alternating, in one run:
/// <c>redis-check-rdb FILE</c> and redis-server loading the file at start. Files: a mixed dataset (default 1M keys,
/// about 700 MB, big keys included) and a big-key file (one list, default 10M elements of 100 bytes, about 1 GiB).
/// Our reader runs in a child process (full decode of every element into a null consumer), so its peak memory
/// (VmHWM) and allocated bytes are its own.
/// </summary>
public sealed class RdbBenchmark : IBenchmark
{
    private const string ChildFlag = "--child-read";
    private const string ChildCliFlag = "--child-cli";
    private const long MemoryBoundBytes = 200L << 20;

    public string Name => "rdb";

    public string Description => "RdbReader vs redis-check-rdb vs redis-server load (flags: --cache DIR --keys N --list-elements N --runs N --only mixed|biglist --generate-only)";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 2 && args[0] == ChildFlag)
        {
            return await ChildReadAsync(args[1], cancellationToken);
        }

        if (args.Length == 2 && args[0] == ChildCliFlag)
        {
            return await ChildCliAsync(args[1], cancellationToken);
        }

        var cache = Flag(args, "--cache") ?? "/tmp/vdr-bench";
        var keys = int.Parse(Flag(args, "--keys") ?? "1000000", CultureInfo.InvariantCulture);
        var listElements = int.Parse(Flag(args, "--list-elements") ?? "10000000", CultureInfo.InvariantCulture);
        var runs = int.Parse(Flag(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        var only = Flag(args, "--only");

        var files = new List<(string Name, string Path)>();
        if (only is null or "mixed")
        {
            files.Add(("mixed", await RdbBenchmarkData.MixedAsync(cache, keys, cancellationToken)));
        }

        if (only is null or "biglist")
        {
            files.Add(("biglist", await RdbBenchmarkData.BigListAsync(cache, listElements, cancellationToken)));
        }

        if (args.Contains("--generate-only"))
        {
            return 0;
        }

        var exit = 0;
        foreach (var (name, path) in files)
        {
            exit |= await MeasureAsync(name, path, runs, cancellationToken);
        }

        return exit;
    }

    private static async Task<int> MeasureAsync(string name, string path, int runs, CancellationToken cancellationToken)
    {
        var bytes = new FileInfo(path).Length;
        Console.WriteLine();
        Console.WriteLine($"== {name}: {path} ({RdbBenchmarkData.Mb(bytes)} MB), {runs} run(s) each, alternating");
        var ours = new List<ChildResult>();
        var cli = new List<ChildResult>();
        var ourWall = new List<double>();
        var check = new List<double>();
        var load = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            // Alternate the order so that page-cache warmth and machine noise fall on every side alike.
            var steps = new List<Func<Task>>
            {
                async () =>
                {
                    var clock = Stopwatch.StartNew();
                    ours.Add(await RunOursAsync(path, ChildFlag, cancellationToken));
                    ourWall.Add(clock.Elapsed.TotalSeconds);
                },
                async () => cli.Add(await RunOursAsync(path, ChildCliFlag, cancellationToken)),
                async () => check.Add(await RdbBenchmarkReferences.CheckRdbAsync(path, cancellationToken)),
                async () => load.Add(await RdbBenchmarkReferences.ServerLoadAsync(path, cancellationToken)),
            };
            for (var i = 0; i < steps.Count; i++)
            {
                await steps[(i + run) % steps.Count]();
            }

            Console.WriteLine($"  run {run + 1}: ours {ours[^1].Seconds:F2} s (process {ourWall[^1]:F2} s), vdr-cdc rdb {cli[^1].Seconds:F2} s, redis-check-rdb {check[^1]:F2} s, redis-server load {load[^1]:F2} s");
        }

        var keys = ours[0].Keys;
        var oursMedian = Median(ours.Select(r => r.Seconds));
        var oursWallMedian = Median(ourWall);
        var checkMedian = Median(check);
        var loadMedian = Median(load);
        Console.WriteLine($"  keys: {keys:N0}, elements: {ours[0].Elements:N0}");
        var elements = ours[0].Elements;
        Console.WriteLine($"  {"",-28} {"median s",9} {"MB/s",9} {"keys/s",12} {"elements/s",12}");
        Row("ours (RdbReader, decode)", oursMedian, bytes, keys, elements);
        Row("ours (process wall time)", oursWallMedian, bytes, keys, elements);
        Row("vdr-cdc rdb > /dev/null", Median(cli.Select(r => r.Seconds)), bytes, keys, elements);
        Row("redis-check-rdb", checkMedian, bytes, keys, elements);
        Row("redis-server load", loadMedian, bytes, keys, elements);
        Console.WriteLine($"  speed ratio ours/redis-check-rdb: {checkMedian / oursMedian:F2} (process wall: {checkMedian / oursWallMedian:F2}); >= 1.0 means at least as fast");
        Console.WriteLine($"  speed ratio ours/redis-server load: {loadMedian / oursMedian:F2} (process wall: {loadMedian / oursWallMedian:F2})");
        var peak = ours.Max(r => r.PeakBytes);
        Console.WriteLine($"  ours: allocated {ours[0].AllocatedBytes:N0} bytes ({ours[0].AllocatedBytes / (double)bytes:F2} per file byte), peak memory (VmHWM) {RdbBenchmarkData.Mb(peak)} MB");
        Console.WriteLine($"  vdr-cdc rdb (JSON lines written to a null stream): allocated {cli[0].AllocatedBytes:N0} bytes, peak memory (VmHWM) {RdbBenchmarkData.Mb(cli.Max(r => r.PeakBytes))} MB");
        if (name == "biglist")
        {
            var cliPeak = cli.Max(r => r.PeakBytes);
            var ok = peak < MemoryBoundBytes && cliPeak < MemoryBoundBytes;
            Console.WriteLine($"  memory bound: peak {RdbBenchmarkData.Mb(peak)} MB (reader), {RdbBenchmarkData.Mb(cliPeak)} MB (vdr-cdc rdb) vs {RdbBenchmarkData.Mb(MemoryBoundBytes)} MB: {(ok ? "OK" : "EXCEEDED")}");
            return ok ? 0 : 1;
        }

        return 0;
    }

    private static void Row(string what, double seconds, long bytes, long keys, long elements) =>
        Console.WriteLine($"  {what,-28} {seconds,9:F2} {bytes / 1048576.0 / seconds,9:F1} {keys / seconds,12:N0} {elements / seconds,12:N0}");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string? Flag(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static async Task<ChildResult> RunOursAsync(string path, string mode, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(RdbBenchmark).Assembly.Location);
        }

        psi.ArgumentList.Add("rdb");
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add(path);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the child reader");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"child reader failed (exit {process.ExitCode}):\n{output}");
        var f = line.Split(' ');
        return new ChildResult(
            double.Parse(f[1], CultureInfo.InvariantCulture),
            long.Parse(f[2], CultureInfo.InvariantCulture),
            long.Parse(f[3], CultureInfo.InvariantCulture),
            long.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture));
    }

    /// <summary>The child: decode every record, count, report time, allocations and VmHWM.</summary>
    private static async Task<int> ChildReadAsync(string path, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long keys = 0;
        long elements = 0;
        await using (var reader = RdbReader.FromFile(path))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.Current is RdbKeyEnd)
                {
                    keys++;
                }

                elements += reader.Current switch
                {
                    RdbStringChunk c => c.Bytes.Length > 0 ? 1 : 0,
                    RdbListChunk c => c.Items.Count,
                    RdbSetChunk c => c.Members.Count,
                    RdbSortedSetChunk c => c.Members.Count,
                    RdbHashChunk c => c.Fields.Count,
                    RdbStreamEntriesChunk c => c.Entries.Count,
                    _ => 0,
                };
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var peak = PeakWorkingSetBytes();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {seconds:R} {keys} {elements} {allocated} {peak}"));
        return 0;
    }

    /// <summary>The child: the whole <c>vdr-cdc rdb FILE</c> command, its JSON lines going to a null stream.</summary>
    private static async Task<int> ChildCliAsync(string path, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var exit = await Vdr.Cdc.Host.Commands.RdbCommand.RunAsync(path, stats: false, Stream.Null, Console.Error, showProgress: false, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {seconds:R} 0 0 {GC.GetTotalAllocatedBytes(precise: true)} {PeakWorkingSetBytes()}"));
        return exit;
    }

    private static long PeakWorkingSetBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    private sealed record ChildResult(double Seconds, long Keys, long Elements, long AllocatedBytes, long PeakBytes);
}
