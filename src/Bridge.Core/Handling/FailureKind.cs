namespace Bridge.Core.Handling;

/// <summary>How an upstream call failed, which decides what EventBridge is told.</summary>
public enum FailureKind
{
    /// <summary>Try again later: 5xx, timeouts, throttling, an outage. EventBridge gets 503 + Retry-After.</summary>
    Transient,
    /// <summary>A rate limit whose wait does not fit this request. EventBridge gets 429 + Retry-After.</summary>
    RateLimited,
    /// <summary>Will not work until an operator fixes something (credential, permission, unknown pipeline). 424, to the DLQ.</summary>
    Misconfigured,
    /// <summary>GitHub refuses this one status for good (422: no such commit, status cap reached). Reported, not retried.</summary>
    Rejected,
}
