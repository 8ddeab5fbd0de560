using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Vdr.Cdc.Host.Commands;
using Vdr.Cdc.Host.Output;
using Vdr.Testing;

namespace Vdr.Cdc.Tests.Cli;

/// <summary><c>vdr-cdc rdb</c> on a dump written by redis-server 7.0: the JSON-lines contract, errors, --stats.</summary>
public sealed class RdbCommandTests(RdbDumpFixture fixture) : IClassFixture<RdbDumpFixture>
{
    [Fact]
    public async Task Rdb_RedisDump_OneValidLinePerKeyInFileOrder()
    {
        var (exit, stdout, stderr) = await RunAsync(fixture.DumpPath);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.EndsWith("\n", stdout, StringComparison.Ordinal);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(fixture.TotalKeys, lines.Length);
        var dbs = new List<int>();
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            Assert.Equal(["db", "key", "type", "value"], names.Take(4));
            Assert.True(names.Count == 4 || (names.Count == 5 && names[4] == "expire_at_ms"), line[..Math.Min(line.Length, 200)]);
            dbs.Add(doc.RootElement.GetProperty("db").GetInt32());
        }

        // File order: db 0, then 1, then 15.
        Assert.Equal(dbs.Order(), dbs);
        Assert.Equal([0, 1, 15], dbs.Distinct());
    }

    [Fact]
    public async Task Rdb_Strings_ExactLines()
    {
        var keys = await KeysAsync();

        Assert.Equal("{\"db\":0,\"key\":\"str:short\",\"type\":\"string\",\"value\":\"hello\"}", keys["str:short"]);
        Assert.Equal("{\"db\":0,\"key\":\"str:int:-129\",\"type\":\"string\",\"value\":\"-129\"}", keys["str:int:-129"]);
        Assert.Equal("{\"db\":0,\"key\":\"str:int:9223372036854775807\",\"type\":\"string\",\"value\":\"9223372036854775807\"}", keys["str:int:9223372036854775807"]);
        Assert.Equal("{\"db\":0,\"key\":\"str:int:leading-zero\",\"type\":\"string\",\"value\":\"007\"}", keys["str:int:leading-zero"]);
        Assert.Equal($"{{\"db\":0,\"key\":\"str:ttl\",\"type\":\"string\",\"value\":\"expiring\",\"expire_at_ms\":{RdbSampleData.ExpireAtMs}}}", keys["str:ttl"]);
        Assert.Equal($"{{\"db\":15,\"key\":\"db15:ttl\",\"type\":\"string\",\"value\":\"t\",\"expire_at_ms\":{RdbSampleData.ExpireAtMs}}}", keys["db15:ttl"]);
        Assert.Equal("héllo wörld €😀 \"quoted\" \\ \n", Parse(keys["str:utf8"]).GetProperty("value").GetString());
        Assert.Equal(string.Concat(Enumerable.Repeat("abcdefgh", 40)), Parse(keys["str:lzf"]).GetProperty("value").GetString());
        Assert.Equal((1 << 20) + 12345, JsonBytes.ReadValue(Parse(keys["str:big-random"]).GetProperty("value")).Length);
        Assert.Equal(1_200_000, Parse(keys["str:big-lzf"]).GetProperty("value").GetString()!.Length);
    }

    [Fact]
    public async Task Rdb_BinaryKeyAndValue_Base64Objects()
    {
        var keys = await KeysAsync();
        var b64Key = "{\"b64\":\"" + Convert.ToBase64String(RdbSampleData.BinaryKey) + "\"}";

        Assert.Equal(
            $"{{\"db\":0,\"key\":{b64Key},\"type\":\"string\",\"value\":{{\"b64\":\"{Convert.ToBase64String(RdbSampleData.BinaryValue)}\"}}}}",
            keys[b64Key]);
    }

    [Fact]
    public async Task Rdb_Collections_ValuesAndOrder()
    {
        var keys = await KeysAsync();

        var list = Parse(keys["list:many"]).GetProperty("value");
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"element-with-some-length-{i}"), list.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("{\"db\":0,\"key\":\"list:binary\",\"type\":\"list\",\"value\":[{\"b64\":\"wygA/4A=\"},\"\",\"x\"]}", keys["list:binary"]);
        Assert.Equal(5000, Parse(keys["list:plain"]).GetProperty("value")[1].GetString()!.Length);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (i * 3) - 10).Order(), Parse(keys["set:intset"]).GetProperty("value").EnumerateArray().Select(e => int.Parse(e.GetString()!)).Order());
        Assert.Equal(
            "{\"db\":0,\"key\":\"hash:ints\",\"type\":\"hash\",\"value\":[[\"1\",\"1\"],[\"-300\",\"70000\"],[\"big\",\"9223372036854775807\"]]}",
            keys["hash:ints"]);
        Assert.Equal(1000, Parse(keys["hash:big"]).GetProperty("value").GetArrayLength());
        Assert.Equal($"{{\"db\":0,\"key\":\"hash:ttl\",\"type\":\"hash\",\"value\":[[\"a\",\"b\"]],\"expire_at_ms\":{RdbSampleData.ExpireAtMs}}}", keys["hash:ttl"]);
    }

    [Theory]
    [InlineData("zset:special-skiplist")]
    [InlineData("zset:special-lp")]
    public async Task Rdb_SortedSets_RankOrderWithSpecialScores(string key)
    {
        var keys = await KeysAsync();

        var members = Parse(keys[key]).GetProperty("value").EnumerateArray()
            .Select(p => (p[0].GetString()!, JsonBytes.ReadScore(p[1]))).ToList();
        var expected = fixture.SpecialZRange.Where(m => key.EndsWith("skiplist", StringComparison.Ordinal) || !m.Member.StartsWith("pad", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected, members);
        Assert.Contains("[\"-inf\",\"-inf\"]", keys[key], StringComparison.Ordinal);
        Assert.Contains("[\"inf\",\"inf\"]", keys[key], StringComparison.Ordinal);
        Assert.Contains("[\"frac\",0.1]", keys[key], StringComparison.Ordinal);
        Assert.Contains("[\"neg\",-2.5]", keys[key], StringComparison.Ordinal);
        Assert.Contains("[\"tiny\",5E-324]", keys[key], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rdb_Stream_Shape()
    {
        var keys = await KeysAsync();

        var value = Parse(keys["stream:main"]).GetProperty("value");
        Assert.Equal(["length", "last_id", "entries", "groups"], value.EnumerateObject().Select(p => p.Name));
        Assert.Equal(33, value.GetProperty("length").GetInt32());
        Assert.Equal("2000-0", value.GetProperty("last_id").GetString());
        var entries = value.GetProperty("entries");
        Assert.Equal(33, entries.GetArrayLength());
        Assert.Equal("[\"1001-1\",[[\"name\",\"n1\"],[\"n\",\"1\"]]]", entries[0].GetRawText());
        Assert.DoesNotContain(entries.EnumerateArray(), e => e[0].GetString() is "1005-2" or "1006-0" or "1020-2");
        Assert.Equal($"[\"2000-0\",[[\"other\",\"fields\"],[\"bin\",{{\"b64\":\"wygA/4A=\"}}],[\"third\",\"x\"]]]", entries[32].GetRawText());
        var groups = value.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("name").GetString()!, g => g.GetRawText());
        Assert.Equal("{\"name\":\"g1\",\"last_delivered_id\":\"1007-1\",\"pending\":4,\"consumers\":[{\"name\":\"alice\",\"pending\":2},{\"name\":\"bob\",\"pending\":2}]}", groups["g1"]);
        Assert.Contains("\"pending\":4,", groups["g2"], StringComparison.Ordinal);
        Assert.Contains("{\"name\":\"idle-dave\",\"pending\":0}", groups["g2"], StringComparison.Ordinal);
        Assert.Equal("{\"name\":\"g-empty\",\"last_delivered_id\":\"2000-0\",\"pending\":0,\"consumers\":[]}", groups["g-empty"]);
        Assert.Equal("{\"db\":0,\"key\":\"stream:emptied\",\"type\":\"stream\",\"value\":{\"length\":0,\"last_id\":\"5-5\",\"entries\":[],\"groups\":[{\"name\":\"g\",\"last_delivered_id\":\"0-0\",\"pending\":0,\"consumers\":[]}]}}", keys["stream:emptied"]);
        Assert.EndsWith($",\"expire_at_ms\":{RdbSampleData.ExpireAtMs}}}", keys["stream:ttl"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rdb_MissingFile_Exit2WithMessage()
    {
        var (exit, stdout, stderr) = await RunAsync("/nonexistent/dir/dump.rdb");

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("/nonexistent/dir/dump.rdb: no such file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rdb_NotAnRdb_Exit2WithOffset()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "this is not a snapshot at all\n");

            var (exit, stdout, stderr) = await RunAsync(path);

            Assert.Equal(2, exit);
            Assert.Equal("", stdout);
            Assert.Contains("offset 0", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Rdb_Truncated_Exit2WithOffsetAndCompleteLinesOnly()
    {
        var bytes = await File.ReadAllBytesAsync(fixture.DumpPath);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 2 / 3)]);

            var (exit, stdout, stderr) = await RunAsync(path);

            Assert.Equal(2, exit);
            Assert.Matches(@"offset \d+", stderr);
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var _ = JsonDocument.Parse(line);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Rdb_ChecksumMismatch_Exit2()
    {
        var bytes = await File.ReadAllBytesAsync(fixture.DumpPath);
        bytes[^1] ^= 0x55;
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, bytes);

            var (exit, _, stderr) = await RunAsync(path);

            Assert.Equal(2, exit);
            Assert.Matches(@"offset \d+", stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Rdb_RandomByteFlips_AlwaysExit2WithOffset()
    {
        var original = await File.ReadAllBytesAsync(fixture.DumpPath);
        var random = new Random(2026);
        var path = Path.GetTempFileName();
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var bytes = (byte[])original.Clone();
                var at = random.Next(9, bytes.Length);
                bytes[at] ^= (byte)random.Next(1, 256);
                await File.WriteAllBytesAsync(path, bytes);

                var (exit, _, stderr) = await RunAsync(path);

                // The CRC64 trailer catches whatever the structure does not.
                Assert.True(exit == 2, $"flip at {at}: exit {exit}, stderr: {stderr}");
                Assert.Matches(@"offset \d+", stderr);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task RdbStats_RedisDump_Summary()
    {
        var (exit, stdout, stderr) = await RunAsync(fixture.DumpPath, stats: true);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("REDIS RDB version 10", stdout, StringComparison.Ordinal);
        Assert.Matches(@"""redis-ver""\s+""7\.", stdout);
        Assert.Contains($"Keys:       {fixture.TotalKeys:N0} (", stdout, StringComparison.Ordinal);
        Assert.Contains("Functions:  1 library", stdout, StringComparison.Ordinal);
        Assert.Contains("db 0:", stdout, StringComparison.Ordinal);
        Assert.Contains("db 1: 2 keys", stdout, StringComparison.Ordinal);
        Assert.Contains("db 15: 2 keys (1 with expiry)", stdout, StringComparison.Ordinal);
        Assert.Contains("SetIntset", stdout, StringComparison.Ordinal);
        Assert.Contains("ZSetListpack", stdout, StringComparison.Ordinal);
        Assert.Contains("(verified)", stdout, StringComparison.Ordinal);
        var biggest = stdout[stdout.IndexOf("Biggest keys by element count", StringComparison.Ordinal)..];
        Assert.Contains(" 1. db 0 \"str:big-lzf\" string (String): 1,200,000 elements", biggest, StringComparison.Ordinal);
        Assert.Contains(" 2. db 0 \"str:big-random\" string (String): 1,060,921 elements", biggest, StringComparison.Ordinal);
        Assert.Contains("\"list:many\" list (ListQuicklist2): 5,000 elements", biggest, StringComparison.Ordinal);
        var bySize = stdout[stdout.IndexOf("Biggest keys by bytes in the file", StringComparison.Ordinal)..];
        Assert.Matches(@" 1\. db 0 ""str:big-random"" string \(String\): 1,060,921 elements, 1,06\d,\d\d\d bytes", bySize);
    }

    [Fact]
    public async Task VdrCdcProcess_Rdb_SameOutputAndExitCodes()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "vdr-cdc.dll");
        Assert.True(File.Exists(dll), $"{dll} missing");
        var inProcess = await RunAsync(fixture.DumpPath);

        var ok = await RunProcessAsync(dll, "rdb", fixture.DumpPath);
        var missing = await RunProcessAsync(dll, "rdb", "/nonexistent.rdb");

        Assert.Equal(0, ok.Exit);
        Assert.Equal(inProcess.Stdout, ok.Stdout);
        Assert.Equal(2, missing.Exit);
        Assert.Contains("no such file", missing.Stderr, StringComparison.Ordinal);
    }

    private async Task<Dictionary<string, string>> KeysAsync()
    {
        var (exit, stdout, stderr) = await RunAsync(fixture.DumpPath);
        Assert.True(exit == 0, stderr);
        return stdout.TrimEnd('\n').Split('\n').ToDictionary(line =>
        {
            var key = JsonDocument.Parse(line).RootElement.GetProperty("key");
            return key.ValueKind == JsonValueKind.String ? key.GetString()! : key.GetRawText();
        });
    }

    private static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement;

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string path, bool stats = false)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exit = await RdbCommand.RunAsync(path, stats, stdout, stderr, showProgress: false, timeout.Token);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunProcessAsync(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
