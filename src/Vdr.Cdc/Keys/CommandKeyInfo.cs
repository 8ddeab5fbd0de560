namespace Vdr.Cdc.Keys;

/// <summary>
/// What the connector knows about one command: its upper-case name, its key specs, and for container commands
/// (XGROUP, FUNCTION, OBJECT, ...) the sub-commands by upper-case name.
/// </summary>
public sealed record CommandKeyInfo(string Name, IReadOnlyList<KeySpec> KeySpecs, IReadOnlyDictionary<string, CommandKeyInfo>? Subcommands = null);
