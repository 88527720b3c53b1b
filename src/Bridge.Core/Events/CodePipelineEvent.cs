namespace Bridge.Core.Events;

/// <summary>Which of the three CodePipeline state-change detail-types an event is.</summary>
public enum EventLevel { Pipeline, Stage, Action }

/// <summary>
/// A CodePipeline state-change event as EventBridge delivers it, reduced to what the bridge decides on.
/// States stay strings: CodePipeline adds states over time, and an unknown one must be logged, not rejected.
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
    ExecutionTrigger? Trigger);

/// <summary>The V2 <c>execution-trigger</c> block; Git-triggered executions name the commit here.</summary>
public sealed record ExecutionTrigger(
    string? TriggerType,
    string? ProviderType,
    string? FullRepositoryName,
    string? CommitId,
    string? BranchName,
    string? TagName,
    string? ConnectionArn);
