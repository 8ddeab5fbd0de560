using System.Globalization;
using Vdr.E2E;

// The crash-and-restart digest test as a command (tests/e2e/crash-restart.sh runs it):
//   Vdr.E2E [--seed N] [--duration SECONDS] [--kills N] [--rate N] [--big N] [--big-string BYTES] [--keep] [--skip-apply] [--vdr-cdc PATH]
// Exit codes: 0 identical, 1 mismatch (or an unclean exit of the connector or apply), 2 usage, 3 the harness failed.
const string Usage = "usage: Vdr.E2E [--seed N] [--duration SECONDS] [--kills N] [--rate COMMANDS_PER_S] [--big ELEMENTS] [--big-string BYTES] [--apply-idle SECONDS] [--keep] [--skip-apply] [--vdr-cdc PATH] [--work-root DIR]";
var options = new E2EOptions();
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
        int NextInt() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
        switch (args[i])
        {
            case "--seed": options.Seed = NextInt(); break;
            case "--duration": options.Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
            case "--kills": options.Kills = NextInt(); break;
            case "--rate": options.Rate = NextInt(); break;
            case "--big": options.BigElements = NextInt(); break;
            case "--big-string": options.BigStringBytes = NextInt(); break;
            case "--apply-idle": options.ApplyIdleSeconds = NextInt(); break;
            case "--keep": options.Keep = true; break;
            case "--skip-apply": options.SkipApply = true; break;
            case "--vdr-cdc": options.VdrCdc = Next(); break;
            case "--work-root": options.WorkRoot = Next(); break;
            case "-h" or "--help": Console.WriteLine(Usage); return 0;
            default: throw new FormatException($"unknown argument {args[i]}");
        }
    }

    if (options.Kills < 1 || options.Rate < 1 || options.Duration <= TimeSpan.Zero || options.BigElements < 0 || options.BigStringBytes < 1)
    {
        throw new FormatException("--kills, --rate and --duration must be positive, --big not negative, --big-string at least 1");
    }
}
catch (FormatException e)
{
    Console.Error.WriteLine($"Vdr.E2E: {e.Message}\n{Usage}");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
try
{
    var result = await CrashRestartRun.RunAsync(options, line => Console.WriteLine(line), stop.Token);
    return result.Passed ? 0 : 1;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Console.Error.WriteLine($"Vdr.E2E: the run failed: {e}");
    return 3;
}
