using Bridge.Core.Statuses;

namespace Bridge.Core.Ordering;

/// <summary>A status with what it takes to order a newcomer against it.</summary>
/// <param name="RunId">For a check-run slot, the run this execution's events update (one run per commit and execution).</param>
public sealed record LedgerEntry(string ExecutionId, DateTimeOffset ExecutionStart, int Attempt, DateTimeOffset EventTime, CommitStatus Status, long? RunId = null)
{
    /// <summary>The run an update of <paramref name="candidate"/> goes to: this entry's, when it is of the same execution.</summary>
    public static long? RunFor(LedgerEntry? last, LedgerEntry candidate) =>
        candidate.RunId ?? (last is { RunId: { } id } && string.Equals(last.ExecutionId, candidate.ExecutionId, StringComparison.Ordinal) ? id : null);
}
