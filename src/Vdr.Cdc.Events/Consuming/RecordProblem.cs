namespace Vdr.Cdc.Events.Consuming;

/// <summary>Why a record could not be used (the dead-letter header <c>vdr-cdc.problem</c> carries its name).</summary>
public enum RecordProblem
{
    /// <summary>The value is not a change event: unknown framing, or bytes that do not parse as one.</summary>
    NotAChangeEvent,

    /// <summary>A change event from a newer contract: a higher contract version, or enum values this reader does not know.</summary>
    FutureVersion,

    /// <summary>The target refused to apply the event.</summary>
    Rejected,

    /// <summary>The event cannot be reproduced on the target (e.g. a module value whose payload the connector skipped).</summary>
    Unsupported,
}
