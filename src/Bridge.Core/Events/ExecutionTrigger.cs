namespace Bridge.Core.Events;

/// <summary>The V2 <c>execution-trigger</c> block; Git-triggered executions name the commit here.</summary>
public sealed record ExecutionTrigger(
    string? TriggerType,
    string? ProviderType,
    string? FullRepositoryName,
    string? CommitId,
    string? BranchName,
    string? TagName,
    string? ConnectionArn)
{
    /// <summary>Who pushed (<c>author-display-name</c>), for the check run's summary; never logged.</summary>
    public string? Author { get; init; }
}
