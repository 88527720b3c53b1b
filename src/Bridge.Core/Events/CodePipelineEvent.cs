namespace Bridge.Core.Events;

/// <summary>
/// A CodePipeline state-change event as EventBridge delivers it, reduced to what the bridge decides on.
/// States stay strings: CodePipeline adds states over time, and an unknown one must be logged, not rejected.
/// <see cref="FailedStage"/> is named only by the notification form (<c>additionalAttributes.failedStage</c>);
/// <see cref="StageRetryTime"/> only by stage events of a retried stage.
/// </summary>
public sealed record CodePipelineEvent(
    string Id,
    EventLevel Level,
    string Account,
    string Region,
    DateTimeOffset Time,
    string Pipeline,
    string ExecutionId,
    string State,
    DateTimeOffset? StartTime,
    int? Attempt,
    string? Stage,
    string? Action,
    ExecutionTrigger? Trigger,
    string? FailedStage = null,
    DateTimeOffset? StageRetryTime = null)
{
    /// <summary>
    /// When the event happened, for ordering: a retried stage's events carry <c>stage-last-retry-attempt-time</c>
    /// (milliseconds), later than the whole-second <c>time</c> of the FAILED it retries even within one second.
    /// </summary>
    public DateTimeOffset OrderTime => StageRetryTime > Time ? StageRetryTime.Value : Time;
}
