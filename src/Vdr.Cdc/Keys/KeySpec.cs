namespace Vdr.Cdc.Keys;

/// <summary>
/// One key specification in Redis' model (redis.io "Command key specifications"): where the search for keys
/// begins (<see cref="BeginSearch"/>) and how keys are found from there (<see cref="FindKeys"/>). Argument indices
/// are argv indices: 0 is the command name.
/// </summary>
public sealed record KeySpec(BeginSearch Begin, FindKeys Find, KeySpecFlags Flags);

/// <summary>Where the key search starts.</summary>
public abstract record BeginSearch
{
    /// <summary>The first key is at a fixed argv index.</summary>
    public sealed record Index(int Position) : BeginSearch;

    /// <summary>
    /// The first key follows a keyword, searched from argv index <paramref name="StartFrom"/> forwards, or from the
    /// end backwards when it is negative (-1 = last argument).
    /// </summary>
    public sealed record Keyword(string Word, int StartFrom) : BeginSearch;

    /// <summary>A begin-search type this connector does not know (the spec yields no keys).</summary>
    public sealed record Unknown : BeginSearch;
}

/// <summary>How the keys are found after the search start.</summary>
public abstract record FindKeys
{
    /// <summary>
    /// Keys from the start up to <paramref name="LastKey"/> (relative to the start when ≥ 0, to the end of argv when
    /// negative), every <paramref name="Step"/> arguments; with LastKey = -1, <paramref name="Limit"/> &gt; 1 takes
    /// only 1/Limit of the remaining arguments.
    /// </summary>
    public sealed record Range(int LastKey, int Step, int Limit) : FindKeys;

    /// <summary>
    /// The number of keys is the argument at start + <paramref name="KeyNumIndex"/>; keys begin at start +
    /// <paramref name="FirstKey"/>, every <paramref name="Step"/> arguments.
    /// </summary>
    public sealed record KeyNum(int KeyNumIndex, int FirstKey, int Step) : FindKeys;

    /// <summary>A find-keys type this connector does not know (the spec yields no keys).</summary>
    public sealed record Unknown : FindKeys;
}
