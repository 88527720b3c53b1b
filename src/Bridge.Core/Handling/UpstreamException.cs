namespace Bridge.Core.Handling;

/// <summary>An upstream (AWS, Key Vault, Table Storage) failed in a way the handler must turn into an answer.</summary>
public sealed class UpstreamException(string upstream, FailureKind kind, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"{upstream}: {message}", inner)
{
    public string Upstream { get; } = upstream;
    public FailureKind Kind { get; } = kind;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The upstream's own name for the error (AWS's <c>PipelineExecutionNotFoundException</c>), when it gave one.</summary>
    public string? Code { get; init; }
}
