namespace Bridge.Core.Handling;

/// <summary>The handler's answer, host-neutral: both the Function and the Kestrel host write it out the same way.</summary>
public sealed record EventResult(Outcome Outcome, string? Detail, TimeSpan? RetryAfter, EventSummary? Event, IReadOnlyList<RevisionOutcome> Revisions)
{
    public int StatusCode => Outcome.StatusCode();

    public bool IsProblem => StatusCode >= 400;

    public static EventResult Invalid(string detail) => new(Outcome.Invalid, detail, null, null, []);
}
