namespace Vdr.Bench;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var benchmarks = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();

        var chosen = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
        if (chosen is null)
        {
            Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Vdr.Bench -- <benchmark> [args]");
            foreach (var b in benchmarks)
            {
                Console.Error.WriteLine($"  {b.Name,-20} {b.Description}");
            }

            return args.Length == 0 ? 0 : 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        try
        {
            return await chosen.RunAsync(args[1..], cts.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{args[0]} failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
