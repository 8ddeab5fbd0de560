using Xunit.Abstractions;

namespace Vdr.E2E.Tests;

/// <summary>
/// The crash-and-restart digest test (issue 6) with a fixed seed and a short workload: the connector is SIGKILLed at
/// least 5 times (during the snapshot and while streaming), the source restarted once (full resync), apply killed
/// once; the target must end identical to the source (DEBUG DIGEST, and every key's value and expiry).
/// Same code as tests/e2e/crash-restart.sh, which runs longer workloads and other seeds.
/// </summary>
public sealed class CrashRestartDigestTests(ITestOutputHelper output)
{
    public const int Seed = 20261126;

    [Fact(Timeout = 180_000)]
    public async Task CrashRestart_FixedSeed_TargetIdenticalToSource()
    {
        var options = new E2EOptions
        {
            Seed = Seed,
            Duration = TimeSpan.FromSeconds(20),
            Kills = 5,
            Timeout = TimeSpan.FromSeconds(170),
        };

        var result = await CrashRestartRun.RunAsync(options, output.WriteLine);

        Assert.True(result.Kills.Count >= 5, $"only {result.Kills.Count} connector kills");
        Assert.Equal(1, result.SourceRestarts);
        Assert.Equal(1, result.ApplyKills);
        Assert.True(result.UnexpectedExits.Count == 0, string.Join('\n', result.UnexpectedExits));
        Assert.True(result.Problems.Count == 0, string.Join('\n', result.Problems));
        Assert.Equal(0, result.ConnectorFinalExitCode);
        Assert.Equal(0, result.ApplyExitCode);
        Assert.True(result.Differences.Count == 0, $"{result.Differences.Count} keys differ (seed {Seed}), first ones:\n{string.Join('\n', result.Differences.Take(20))}");
        Assert.NotEqual(new string('0', 40), result.SourceDigest);
        Assert.Equal(result.SourceDigest, result.TargetDigest);
    }
}
