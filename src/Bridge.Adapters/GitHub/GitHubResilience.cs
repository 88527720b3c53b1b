using Bridge.Core.Handling;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Transport-level retries for GitHub, inside the request budget that keeps the whole request under EventBridge's 5 s:
/// 5xx, 408, timeouts and resets are retried with jittered backoff; a rate limit is retried only when GitHub's
/// wait is short, otherwise the wait goes back to EventBridge as Retry-After.
/// </summary>
internal static class GitHubResilience
{
    /// <summary>A rate limit whose Retry-After is at most this is waited out within the request.</summary>
    public static readonly TimeSpan LongestWaitInRequest = TimeSpan.FromSeconds(1);

    /// <summary>The first retry waits about this long (exponential, jittered).</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>All attempts within <see cref="RequestBudget.Upstream"/>, each within <see cref="RequestBudget.Attempt"/>.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, RequestBudget budget)
    {
        builder.AddTimeout(budget.Upstream);
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            Delay = RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetryGitHub(args.Outcome, args.Context.GetRequestMessage())),
        });
        builder.AddTimeout(budget.Attempt);
    }

    /// <param name="request">
    /// The request. A status POST that timed out or lost its connection may have created its status: it is not
    /// retried here but handed back, so the publisher can look at GitHub before it posts again.
    /// </param>
    public static bool ShouldRetryGitHub(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request = null)
    {
        if (outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException) return !IsStatusCreate(request);
        if (outcome.Result is not { } r) return false;
        var status = (int)r.StatusCode;
        if (status is 500 or 502 or 503 or 504 or 408) return true;
        if (status is 403 or 429)
            return r.Headers.RetryAfter?.Delta is { } wait && wait <= LongestWaitInRequest;
        return false;
    }

    /// <summary><c>POST …/repos/{owner}/{repo}/statuses/{sha}</c>: a write that is not idempotent.</summary>
    public static bool IsStatusCreate(HttpRequestMessage? request) =>
        request is { RequestUri: { } uri } && request.Method == HttpMethod.Post
        && uri.AbsolutePath.Contains("/repos/", StringComparison.Ordinal) && uri.AbsolutePath.Contains("/statuses/", StringComparison.Ordinal);
}
