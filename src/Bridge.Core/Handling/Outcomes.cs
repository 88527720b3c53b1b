namespace Bridge.Core.Handling;

/// <summary>
/// The one table from an outcome to what EventBridge is told (docs/architecture.md#answers-to-eventbridge):
/// 2xx done or deliberately skipped, 4xx permanent (dead-letter queue), 429/503 with Retry-After to try again.
/// </summary>
public static class Outcomes
{
    /// <summary>The HTTP status, the word in the answer's <c>outcome</c>, and whether EventBridge should try again.</summary>
    public static (int StatusCode, string Word, bool RetryLater) Answer(Outcome outcome) => outcome switch
    {
        Outcome.Posted => (200, "posted", false),
        Outcome.Unchanged => (200, "unchanged", false),
        Outcome.Duplicate => (200, "duplicate", false),
        Outcome.Stale => (200, "stale", false),
        Outcome.Skipped => (200, "skipped", false),
        Outcome.Ignored => (200, "ignored", false),
        Outcome.NoRevisions => (200, "no-revisions", false),
        Outcome.Rejected => (200, "rejected", false),
        Outcome.Invalid => (400, "invalid", false),
        Outcome.Misconfigured => (424, "misconfigured", false),
        Outcome.Retry => (503, "retry", true),
        Outcome.RateLimited => (429, "rate-limited", true),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static int StatusCode(this Outcome outcome) => Answer(outcome).StatusCode;

    public static string Word(this Outcome outcome) => Answer(outcome).Word;

    public static bool RetryLater(this Outcome outcome) => Answer(outcome).RetryLater;

    /// <summary>What a failed upstream call means for the event.</summary>
    public static Outcome Of(FailureKind kind) => kind switch
    {
        FailureKind.Transient => Outcome.Retry,
        FailureKind.RateLimited => Outcome.RateLimited,
        FailureKind.Misconfigured => Outcome.Misconfigured,
        _ => Outcome.Rejected,
    };

    /// <summary>
    /// One outcome for an event whose revisions ended differently: anything to try again wins (the rate limit first, its
    /// wait is the longer), then a misconfiguration, then a post; a mix of the quiet outcomes reads as unchanged.
    /// </summary>
    public static Outcome Summarise(IEnumerable<Outcome> revisions)
    {
        var seen = 0UL;
        foreach (var o in revisions) seen |= Bit(o);
        return Summarise(seen);
    }

    /// <summary>The same for an event's revision outcomes, without a set or an iterator per event.</summary>
    public static Outcome Summarise(IReadOnlyList<RevisionOutcome> revisions)
    {
        var seen = 0UL;
        for (var i = 0; i < revisions.Count; i++) seen |= Bit(revisions[i].Outcome);
        return Summarise(seen);
    }

    private static Outcome Summarise(ulong seen)
    {
        foreach (var o in (ReadOnlySpan<Outcome>)[Outcome.RateLimited, Outcome.Retry, Outcome.Misconfigured, Outcome.Posted, Outcome.Rejected])
            if ((seen & Bit(o)) != 0) return o;
        return Outcome.Unchanged;
    }

    private static ulong Bit(Outcome o) => 1UL << ((int)o & 63);

    /// <summary>The answer's detail for an event whose revisions ended in <paramref name="summary"/>; null when they speak for themselves.</summary>
    public static string? Explain(Outcome summary) => summary switch
    {
        Outcome.RateLimited => "GitHub's rate limit: try again after Retry-After",
        Outcome.Retry => "an upstream failed transiently: try again after Retry-After",
        Outcome.Misconfigured => "GitHub refused the bridge's credential or access: an operator must fix the configuration",
        _ => null,
    };
}
