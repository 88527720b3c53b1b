using Bridge.Core.Revisions;
using Bridge.Core.Statuses;

namespace Bridge.Core.Handling;

/// <summary>Which execution to ask CodePipeline about, and in which account and region.</summary>
public sealed record ExecutionRef(string Account, string Region, string Pipeline, string ExecutionId);

/// <summary>CodePipeline's GetPipelineExecution, reduced to what the bridge needs. Throws <see cref="UpstreamException"/>.</summary>
public interface IExecutionSource
{
    Task<IReadOnlyList<ArtifactRevision>> GetArtifactRevisionsAsync(ExecutionRef execution, CancellationToken ct);
}

/// <summary>What is known about an execution from earlier events, so later ones need no AWS call.</summary>
public sealed record ExecutionFacts(ResolvedRevisions? Revisions, DateTimeOffset? StartTime, string? FailedStage);

public interface IExecutionCache
{
    ExecutionFacts? Get(string pipeline, string executionId);
    void Set(string pipeline, string executionId, ExecutionFacts facts);
}

/// <summary>Posts one commit status. Never throws for GitHub's answers: they come back as a <see cref="PublishResult"/>.</summary>
public interface IStatusPublisher
{
    Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct);
}

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

public sealed record PublishResult(FailureKind? Failure, string? Message, TimeSpan? RetryAfter)
{
    public static readonly PublishResult Posted = new(null, null, null);
    public static PublishResult Failed(FailureKind kind, string message, TimeSpan? retryAfter = null) => new(kind, message, retryAfter);
}

/// <summary>An upstream (AWS, Key Vault, Table Storage) failed in a way the handler must turn into an answer.</summary>
public sealed class UpstreamException(string upstream, FailureKind kind, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"{upstream}: {message}", inner)
{
    public string Upstream { get; } = upstream;
    public FailureKind Kind { get; } = kind;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
