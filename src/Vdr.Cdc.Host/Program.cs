using System.CommandLine;

namespace Vdr.Cdc.Host;

public static class Program
{
    public static Task<int> Main(string[] args) => CreateRootCommand().Parse(args).InvokeAsync();

    /// <summary>The whole command tree; each sub-command lives in Commands/ in a file of its own.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("vdr-cdc: Redis to Kafka change data capture over PSYNC, exactly once.");
        root.Subcommands.Add(Commands.RdbCommand.Create());
        root.Subcommands.Add(Commands.ReplicateCommand.Create());
        root.Subcommands.Add(Commands.RunCommand.Create());
        root.Subcommands.Add(Commands.CheckConfigCommand.Create());
        root.Subcommands.Add(Commands.TailCommand.Create());
        root.Subcommands.Add(Commands.MockKafkaCommand.Create());
        root.Subcommands.Add(Commands.DemoCommand.Create());
        root.Subcommands.Add(Commands.ApplyCommand.Create());
        return root;
    }
}
