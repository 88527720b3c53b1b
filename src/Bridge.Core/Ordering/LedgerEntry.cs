using Bridge.Core.Handling;
using Bridge.Core.Statuses;

namespace Bridge.Core.Ordering;

/// <summary>A status with what it takes to order a newcomer against it, and to ask CodePipeline about it again.</summary>
/// <param name="RunId">For a check-run slot, the run this execution's events update (one run per commit and execution).</param>
public sealed record LedgerEntry(string ExecutionId, DateTimeOffset ExecutionStart, int Attempt, DateTimeOffset EventTime, CommitStatus Status, long? RunId = null)
{
    /// <summary>The run an update of <paramref name="candidate"/> goes to: this entry's, when it is of the same execution.</summary>
    public static long? RunFor(LedgerEntry? last, LedgerEntry candidate) =>
        candidate.RunId ?? (last is { RunId: { } id } && string.Equals(last.ExecutionId, candidate.ExecutionId, StringComparison.Ordinal) ? id : null);

    /// <summary>The AWS account of the execution; null in rows written before the ledger kept it.</summary>
    public string? Account { get; init; }

    public string? Region { get; init; }

    public string? Pipeline { get; init; }

    /// <summary>
    /// The execution had ended when this status was made, even if the status is pending (a SUPERSEDED left pending by
    /// <c>Statuses:SupersededState</c>): the repair sweep has nothing left to learn about it.
    /// </summary>
    public bool Ended { get; init; }

    /// <summary>Where to ask about the execution, or null when the row predates account, region and pipeline.</summary>
    public ExecutionRef? Execution() =>
        Account is { Length: > 0 } && Region is { Length: > 0 } && Pipeline is { Length: > 0 } ? new(Account, Region, Pipeline, ExecutionId) : null;
}
