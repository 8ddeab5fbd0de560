namespace Vdr.Cdc;

/// <summary>
/// Which keys and commands become events (section <c>Vdr:Cdc:Redis:Filter</c>). Empty lists filter nothing.
/// A key passes when it matches one of <see cref="IncludeKeys"/> (or that list is empty) and none of
/// <see cref="ExcludeKeys"/>; snapshot keys that do not pass are skipped. A streamed command passes when its name
/// passes the command lists and, when it has keys, at least one of its keys passes; commands without keys
/// (FLUSHDB, SWAPDB, FUNCTION ...) are kept unless excluded by name. A dropped command still moves the position.
/// </summary>
public sealed class SourceFilterOptions
{
    /// <summary>Redis globs (<c>user:*</c>, <c>cache:[ab]*</c>) over the key; only matching keys are captured.</summary>
    public List<string> IncludeKeys { get; set; } = [];

    /// <summary>Redis globs of keys never captured (wins over <see cref="IncludeKeys"/>).</summary>
    public List<string> ExcludeKeys { get; set; } = [];

    /// <summary>Command names (case-insensitive); only these are captured.</summary>
    public List<string> IncludeCommands { get; set; } = [];

    /// <summary>Command names (case-insensitive) never captured (wins over <see cref="IncludeCommands"/>).</summary>
    public List<string> ExcludeCommands { get; set; } = [];

    /// <summary>True when the filter lets everything through.</summary>
    public bool IsEmpty => IncludeKeys.Count == 0 && ExcludeKeys.Count == 0 && IncludeCommands.Count == 0 && ExcludeCommands.Count == 0;
}
