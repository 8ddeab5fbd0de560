namespace Vdr.Cdc.Tests.Chart;

/// <summary>Paths of the deployment files in the repository the tests run from.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepositoryRoot => Root.Value;

    public static string ChartDirectory => Path.Combine(RepositoryRoot, "charts", "vdr-cdc");

    public static string Dockerfile => Path.Combine(RepositoryRoot, "Dockerfile");

    public static string InChart(string relativePath) => Path.Combine(ChartDirectory, relativePath);

    public static string ReadChartFile(string relativePath) => File.ReadAllText(InChart(relativePath));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vdr.Cdc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Vdr.Cdc.sln above {AppContext.BaseDirectory}: tests must run from the repository.");
    }
}
