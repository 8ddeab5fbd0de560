namespace Vdr.Cdc.Events.Consuming;

/// <summary>A record that could not be decoded or applied; the message names its topic, partition and offset.</summary>
public sealed class ChangeEventRecordException : Exception
{
    public ChangeEventRecordException(RecordLocation location, RecordProblem problem, string reason, Exception? innerException = null)
        : base($"{location}: {Describe(problem)}: {reason}", innerException)
    {
        Location = location;
        Problem = problem;
        Reason = reason;
    }

    public RecordLocation Location { get; }

    public RecordProblem Problem { get; }

    /// <summary>The reason without the location.</summary>
    public string Reason { get; }

    private static string Describe(RecordProblem problem) => problem switch
    {
        RecordProblem.NotAChangeEvent => "not a change event",
        RecordProblem.FutureVersion => "change event from a newer contract version",
        RecordProblem.Rejected => "the target rejected the change",
        _ => "change not reproducible on the target",
    };
}
