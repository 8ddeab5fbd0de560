using Vdr.Cdc.Events.Consuming;

namespace Vdr.Cdc.Events.Materialize;

/// <summary>The outcome of <see cref="IMaterializeTarget.ApplyAsync"/>.</summary>
/// <param name="Stored">True when the batch and its checkpoint were written (possibly with some changes refused).</param>
/// <param name="Refused">Changes the target refused, by index in the batch, with the problem and the target's reason.</param>
public sealed record MaterializeResult(bool Stored, IReadOnlyList<RefusedChange> Refused)
{
    public static MaterializeResult Success { get; } = new(true, []);
}

/// <summary>A change the target refused.</summary>
public sealed record RefusedChange(int Index, RecordProblem Problem, string Reason);
