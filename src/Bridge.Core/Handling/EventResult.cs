namespace Bridge.Core.Handling;

/// <summary>The handler's answer, host-neutral: both the Function and the Kestrel host write it out the same way.</summary>
/// <param name="RequestedWait">The wait an upstream asked for, if any.</param>
public sealed record EventResult(Outcome Outcome, string? Detail, TimeSpan? RequestedWait, EventSummary? Event, IReadOnlyList<RevisionOutcome> Revisions)
{
    /// <summary>
    /// The one rule for Retry-After: only an answer that asks EventBridge to come back carries one, the wait asked for
    /// or else the default, never more than an hour (docs/architecture.md#answers-to-eventbridge).
    /// </summary>
    public TimeSpan? RetryAfter => Outcome.RetryLater() ? RequestBudget.CapRetryAfter(RequestedWait ?? RequestBudget.DefaultRetryAfter) : null;

    public int StatusCode => Outcome.StatusCode();

    public bool IsProblem => StatusCode >= 400;

    public static EventResult Invalid(string detail) => new(Outcome.Invalid, detail, null, null, []);
}
