namespace Vdr.Bench;

/// <summary>
/// One side-by-side benchmark (ours against a native reference in the same run). Implementations are
/// found by reflection, so adding a benchmark is adding a file.
/// </summary>
public interface IBenchmark
{
    /// <summary>The name given on the command line: <c>dotnet run -c Release --project tests/Vdr.Bench -- NAME</c>.</summary>
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
