namespace Bridge.Core.Handling;

public sealed record PublishResult(FailureKind? Failure, string? Message, TimeSpan? RetryAfter)
{
    public static readonly PublishResult Posted = new(null, null, null);
    public static PublishResult Failed(FailureKind kind, string message, TimeSpan? retryAfter = null) => new(kind, message, retryAfter);
}
