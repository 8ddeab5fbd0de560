namespace Vdr.Cdc.Keys;

/// <summary>Key-spec flags as Redis reports them in <c>COMMAND INFO</c> (access kind and effect on the key).</summary>
[Flags]
public enum KeySpecFlags
{
    None = 0,

    /// <summary>Read-only access.</summary>
    RO = 1 << 0,

    /// <summary>Read-write access (modifies the key, may return its data).</summary>
    RW = 1 << 1,

    /// <summary>Overwrite: the key's previous value is replaced.</summary>
    OW = 1 << 2,

    /// <summary>Removes the key (or deletes data from it).</summary>
    RM = 1 << 3,

    /// <summary>The command returns or copies data from the key.</summary>
    Access = 1 << 4,

    /// <summary>Updates data of the key in place.</summary>
    Update = 1 << 5,

    /// <summary>Adds data to the key.</summary>
    Insert = 1 << 6,

    /// <summary>Deletes data from the key.</summary>
    Delete = 1 << 7,

    /// <summary>The argument is not a key name (e.g. a channel) although it looks like one.</summary>
    NotKey = 1 << 8,

    /// <summary>The spec may miss keys (the argument search is incomplete).</summary>
    Incomplete = 1 << 9,

    /// <summary>The flags depend on the arguments.</summary>
    VariableFlags = 1 << 10,
}
