namespace Vdr.Cdc.Keys;

/// <summary>A key found in a command: its argv index (0 = command name) and the flags of the spec that found it.</summary>
public readonly record struct KeyReference(int ArgIndex, KeySpecFlags Flags);
