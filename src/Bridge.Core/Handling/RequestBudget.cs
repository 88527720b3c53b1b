namespace Bridge.Core.Handling;

/// <summary>
/// The one time budget of a request, and every upstream timeout derived from it (docs/architecture.md#request-budget).
/// EventBridge's API destination gives up on a request after 5 s and redelivers it, so a request must end, with an
/// answer, before then: <see cref="Total"/> defaults to 4 s, leaving a second for the network and the answer.
/// </summary>
public sealed record RequestBudget
{
    /// <summary>EventBridge API destinations time out after this; nothing here may be configured at or above it.</summary>
    public static readonly TimeSpan EventBridgeTimeout = TimeSpan.FromSeconds(5);

    public static readonly RequestBudget Default = new(TimeSpan.FromSeconds(4));

    public RequestBudget(TimeSpan total, TimeSpan? revisionWait = null)
    {
        if (total <= TimeSpan.Zero || total >= EventBridgeTimeout)
            throw new ArgumentOutOfRangeException(nameof(total), total, "The request budget must be above zero and below EventBridge's 5 s.");
        Total = total;
        RevisionWait = revisionWait ?? total * 0.375;
        if (RevisionWait < TimeSpan.Zero || RevisionWait >= total)
            throw new ArgumentOutOfRangeException(nameof(revisionWait), RevisionWait, "The revision wait must fit inside the request budget.");
    }

    /// <summary>The whole request, upstream retries included (default 4 s).</summary>
    public TimeSpan Total { get; }

    /// <summary>How long to keep re-reading an execution whose sources CodePipeline has not recorded yet (default 1.5 s).</summary>
    public TimeSpan RevisionWait { get; }

    /// <summary>One attempt at any upstream call (default 1.5 s): long enough for a slow answer, short enough that a retry still fits.</summary>
    public TimeSpan Attempt => Total * 0.375;

    /// <summary>All attempts at one upstream, retries and backoff included (default 3.5 s): the rest is for the ledger and the answer.</summary>
    public TimeSpan Upstream => Total * 0.875;

    /// <summary>How long a claimed ledger slot stays claimed (default 10 s): longer than any holder's request can run.</summary>
    public TimeSpan Lease => Total * 2.5;

    /// <summary>How long to wait for another instance's post to the same slot before handing the event back (default 1 s).</summary>
    public TimeSpan LeaseWait => Total * 0.25;

    /// <summary>Retry-After for a transient failure that carries no wait of its own.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait any upstream may impose (GitHub's primary rate limits reset within an hour).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>A wait an upstream asked for, bounded by <see cref="MaxRetryAfter"/>: a far-future reset must not park events for days.</summary>
    public static TimeSpan CapRetryAfter(TimeSpan wait) => wait > MaxRetryAfter ? MaxRetryAfter : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
}
