using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Vdr.Cdc.Tests.Chart;

/// <summary>
/// The Dockerfile read as text (no Docker engine here): what it copies exists, the restore layer holds every
/// project the executable needs, it runs as a non-root user with the required entry point.
/// .ci/checks.sh additionally runs its publish command.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly Lazy<Instruction[]> Instructions = new(Parse);

    [Fact]
    public void CopySources_AllExistInTheRepository()
    {
        var missing = CopySources().Where(p => !File.Exists(InRepo(p)) && !Directory.Exists(InRepo(p))).ToList();

        Assert.True(missing.Count == 0, "Dockerfile copies paths that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void Stages_BuildOnTheSdkAndRunOnTheMatchingRuntime()
    {
        var froms = Instructions.Value.Where(i => i.Keyword == "FROM").Select(i => i.Arguments).ToList();

        Assert.True(froms.Count >= 2, "expected a multi-stage build");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", froms[0], StringComparison.Ordinal);
        var runtime = froms[^1];
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(aspnet|runtime):10\.0", runtime);

        // The executable needs ASP.NET Core when it (or a project it references) uses the web SDK or the shared
        // framework: then only the aspnet image can run it.
        if (HostProjects().Any(UsesAspNetCore))
        {
            Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", runtime, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RestoreLayer_CopiesEveryProjectTheExecutableNeedsBeforeTheSources()
    {
        var instructions = Instructions.Value;
        var restore = Array.FindIndex(instructions, i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var sources = Array.FindIndex(instructions, i => i.Keyword == "COPY" && i.Arguments.StartsWith("src/ ", StringComparison.Ordinal));
        Assert.True(restore > 0, "no 'RUN dotnet restore'");
        Assert.True(sources > restore, "the sources must be copied after the restore layer");

        var copiedBeforeRestore = instructions[..restore]
            .Where(i => i.Keyword == "COPY")
            .SelectMany(i => Words(i.Arguments)[..^1])
            .ToHashSet(StringComparer.Ordinal);
        foreach (var project in HostProjects())
        {
            var relative = Path.GetRelativePath(RepositoryFiles.RepositoryRoot, project).Replace('\\', '/');
            Assert.True(copiedBeforeRestore.Contains(relative), $"{relative} is not copied before 'dotnet restore'");
        }

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.True(copiedBeforeRestore.Contains(file), $"{file} is not copied before 'dotnet restore'");
        }
    }

    [Fact]
    public void Sources_CoverEveryFolderTheProjectsReadOutsideThemselves()
    {
        // e.g. <Protobuf Include="../../proto/..."/>: that folder must be copied too, or the image build fails.
        var copied = CopySources().Select(p => p.TrimEnd('/')).ToList();
        foreach (var project in HostProjects())
        {
            var projectDir = Path.GetDirectoryName(project)!;
            foreach (var include in XDocument.Load(project).Descendants().Select(e => (string?)e.Attribute("Include")).OfType<string>())
            {
                if (!include.StartsWith("..", StringComparison.Ordinal) || include.EndsWith(".csproj", StringComparison.Ordinal))
                {
                    continue;
                }

                var target = Path.GetRelativePath(RepositoryFiles.RepositoryRoot, Path.GetFullPath(Path.Combine(projectDir, include))).Replace('\\', '/');
                Assert.True(
                    copied.Any(c => target == c || target.StartsWith(c + "/", StringComparison.Ordinal)),
                    $"{Path.GetFileName(project)} reads {target}, which the Dockerfile does not copy");
            }
        }
    }

    [Fact]
    public void FinalStage_RunsAsTheNonRootAppUser()
    {
        var final = FinalStage();
        var user = final.LastOrDefault(i => i.Keyword == "USER")?.Arguments;

        Assert.NotNull(user);
        Assert.Contains(user, new[] { "1654", "$APP_UID", "app" });
        Assert.Contains(final, i => i.Keyword == "COPY" && i.Arguments.Contains("--chown=1654:1654", StringComparison.Ordinal));
    }

    [Fact]
    public void FinalStage_EntryPointCommandPortAndSpoolVolume()
    {
        var final = FinalStage();

        Assert.Equal(["vdr-cdc"], JsonArgs(final.Single(i => i.Keyword == "ENTRYPOINT")));
        Assert.Equal(["run"], JsonArgs(final.Single(i => i.Keyword == "CMD")));
        Assert.Equal("9464", final.Single(i => i.Keyword == "EXPOSE").Arguments);
        Assert.Equal(["/var/lib/vdr-cdc/spool"], JsonArgs(final.Single(i => i.Keyword == "VOLUME")));
        Assert.Contains(final, i => i.Keyword == "ENV" && i.Arguments.StartsWith("PATH=\"/app:", StringComparison.Ordinal));
        Assert.DoesNotContain(final, i => i.Keyword == "HEALTHCHECK");
    }

    [Fact]
    public void Publish_IsTheHostProjectInReleaseIntoApp()
    {
        var publish = Instructions.Value.Single(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal));

        Assert.Equal("dotnet publish src/Vdr.Cdc.Host/Vdr.Cdc.Host.csproj -c Release --no-restore -o /app", publish.Arguments);
        Assert.Equal("vdr-cdc", (string?)XDocument.Load(InRepo("src/Vdr.Cdc.Host/Vdr.Cdc.Host.csproj")).Descendants("AssemblyName").Single());
    }

    [Fact]
    public void Cli_AcceptsTheImageCommandAndTheChartArguments()
    {
        // The image runs `vdr-cdc run`; the chart runs `vdr-cdc run --config <file>` (templates/deployment.yaml).
        var deployment = RepositoryFiles.ReadChartFile("templates/deployment.yaml");
        Assert.Contains("- run\n            - --config\n            - {{ include \"vdr-cdc.configFile\" . }}", deployment, StringComparison.Ordinal);

        foreach (string[] args in new[] { JsonArgs(FinalStage().Single(i => i.Keyword == "CMD")), ["run", "--config", "/etc/vdr-cdc/vdr-cdc.json"] })
        {
            var parsed = Host.Program.CreateRootCommand().Parse(args);
            Assert.True(parsed.Errors.Count == 0, $"vdr-cdc {string.Join(' ', args)}: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
            Assert.Equal("run", parsed.CommandResult.Command.Name);
        }
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputOutAndTheSourcesIn()
    {
        var patterns = File.ReadAllLines(InRepo(".dockerignore"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();

        Assert.Contains("**/bin/", patterns);
        Assert.Contains("**/obj/", patterns);
        foreach (var source in CopySources())
        {
            var top = source.Split('/')[0];
            Assert.DoesNotContain(patterns, p => p.TrimEnd('/') == top || p.TrimEnd('/') == source.TrimEnd('/'));
        }
    }

    private sealed record Instruction(string Keyword, string Arguments);

    private static Instruction[] Parse()
    {
        var text = File.ReadAllText(RepositoryFiles.Dockerfile).Replace("\\\n", " ", StringComparison.Ordinal);
        return text.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var space = l.IndexOf(' ', StringComparison.Ordinal);
                return new Instruction(l[..space].ToUpperInvariant(), MultipleSpaces().Replace(l[(space + 1)..].Trim(), " "));
            })
            .ToArray();
    }

    private static Instruction[] FinalStage()
    {
        var all = Instructions.Value;
        return all[Array.FindLastIndex(all, i => i.Keyword == "FROM")..];
    }

    private static string[] Words(string arguments) => arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static IEnumerable<string> CopySources() =>
        Instructions.Value
            .Where(i => i.Keyword == "COPY" && !i.Arguments.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(i => Words(i.Arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1));

    private static string[] JsonArgs(Instruction instruction) => JsonSerializer.Deserialize<string[]>(instruction.Arguments)!;

    private static string InRepo(string relative) => Path.Combine(RepositoryFiles.RepositoryRoot, relative);

    /// <summary>The executable's project and every project it references, transitively.</summary>
    private static List<string> HostProjects()
    {
        var found = new List<string>();
        var pending = new Stack<string>([Path.GetFullPath(InRepo("src/Vdr.Cdc.Host/Vdr.Cdc.Host.csproj"))]);
        while (pending.TryPop(out var project))
        {
            if (found.Contains(project))
            {
                continue;
            }

            found.Add(project);
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, (string)reference.Attribute("Include")!)));
            }
        }

        return found;
    }

    private static bool UsesAspNetCore(string project)
    {
        var document = XDocument.Load(project);
        return ((string?)document.Root?.Attribute("Sdk") ?? "").StartsWith("Microsoft.NET.Sdk.Web", StringComparison.Ordinal)
            || document.Descendants("FrameworkReference").Any(f => (string?)f.Attribute("Include") == "Microsoft.AspNetCore.App")
            || document.Descendants("PackageReference").Any(p => ((string?)p.Attribute("Include") ?? "").Contains("AspNetCore", StringComparison.Ordinal));
    }

    [GeneratedRegex(" {2,}")]
    private static partial Regex MultipleSpaces();
}
