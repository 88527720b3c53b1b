namespace Bridge.Core.Handling;

public sealed record PublishResult(FailureKind? Failure, string? Message, TimeSpan? RetryAfter)
{
    public static readonly PublishResult Posted = new(null, null, null);

    /// <summary>A check run created or updated: its id, kept in the ledger so later events update the same run.</summary>
    public long? RunId { get; init; }

    public static PublishResult Run(long id) => new(null, null, null) { RunId = id };
    public static PublishResult Failed(FailureKind kind, string message, TimeSpan? retryAfter = null) => new(kind, message, retryAfter);
}
