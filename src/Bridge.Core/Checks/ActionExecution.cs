namespace Bridge.Core.Checks;

/// <summary>One action of an execution as ListActionExecutions reports it, reduced to what a check run and its buttons need.</summary>
/// <param name="Category">The action type's category: Source, Build, Test, Deploy, Approval, Invoke, Compute.</param>
/// <param name="Status">InProgress, Abandoned, Succeeded or Failed.</param>
/// <param name="ExternalId">What the action ran as outside CodePipeline: for a Git source, the commit.</param>
public sealed record ActionExecution(
    string Stage,
    string Action,
    string Category,
    string Status,
    string? ExternalId,
    string? Summary,
    string? Url,
    string? Error)
{
    public DateTimeOffset? Started { get; init; }

    public DateTimeOffset? Updated { get; init; }
}
