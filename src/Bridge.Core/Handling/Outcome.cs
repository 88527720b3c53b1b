namespace Bridge.Core.Handling;

/// <summary>
/// Every way an event, or one revision of it, can end. What each means for EventBridge (HTTP status, the word in the
/// answer, whether to try again) is in <see cref="Outcomes"/>, the one table.
/// </summary>
public enum Outcome
{
    /// <summary>A status was created on GitHub.</summary>
    Posted,
    /// <summary>GitHub already shows exactly this status; recorded, nothing posted.</summary>
    Unchanged,
    /// <summary>The same event again (EventBridge delivers at least once).</summary>
    Duplicate,
    /// <summary>Older than what GitHub shows (a late delivery): posting it would turn a result back.</summary>
    Stale,
    /// <summary>A source that gets no status (not on a configured GitHub host, not a commit).</summary>
    Skipped,
    /// <summary>An event that posts nothing by design (action events, STOPPING, stage events when off).</summary>
    Ignored,
    /// <summary>The execution has no source revisions.</summary>
    NoRevisions,
    /// <summary>GitHub refused this one status for good (422); reported, not retried.</summary>
    Rejected,
    /// <summary>The request is not a valid CodePipeline event.</summary>
    Invalid,
    /// <summary>A credential, permission or setting is wrong: an operator must act. To the dead-letter queue.</summary>
    Misconfigured,
    /// <summary>An upstream failed transiently: EventBridge tries again after Retry-After.</summary>
    Retry,
    /// <summary>A rate limit whose wait does not fit this request: EventBridge tries again after Retry-After.</summary>
    RateLimited,
}
