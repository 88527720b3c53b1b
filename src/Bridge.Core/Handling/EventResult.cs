using Bridge.Core.Events;

namespace Bridge.Core.Handling;

/// <summary>What happened to one revision (or one skipped source) of an event.</summary>
/// <param name="Outcome">posted | unchanged | duplicate | stale | skipped | rejected | misconfigured | retry | rate-limited</param>
public sealed record RevisionOutcome(string Repository, string? Sha, string? Context, string Outcome, string? Detail)
{
    /// <summary>How long the upstream asked us to wait, for retry and rate-limit outcomes.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The handler's answer, host-neutral: both the Function and the Kestrel host write it out the same way.</summary>
public sealed record EventResult(
    int StatusCode,
    string Outcome,
    string? Detail,
    TimeSpan? RetryAfter,
    CodePipelineEvent? Event,
    IReadOnlyList<RevisionOutcome> Revisions)
{
    public bool IsProblem => StatusCode >= 400;

    public static EventResult Invalid(int statusCode, string detail) =>
        new(statusCode, "invalid", detail, null, null, []);
}
