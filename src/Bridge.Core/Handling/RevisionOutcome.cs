namespace Bridge.Core.Handling;

/// <summary>What happened to one revision (or one skipped source) of an event.</summary>
public sealed record RevisionOutcome(string Repository, string? Sha, string? Context, Outcome Outcome, string? Detail)
{
    /// <summary>How long the upstream asked us to wait, for retry and rate-limit outcomes.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
