namespace Bridge.Core.Statuses;

/// <summary>GitHub's four commit-status states.</summary>
public enum CommitState { Pending, Success, Failure, Error }

/// <summary>Exactly what is sent to POST /repos/{owner}/{repo}/statuses/{sha}.</summary>
public sealed record CommitStatus(CommitState State, string Context, string Description, string TargetUrl)
{
    public bool IsTerminal => State != CommitState.Pending;

    public static string Wire(CommitState s) => s switch
    {
        CommitState.Pending => "pending",
        CommitState.Success => "success",
        CommitState.Failure => "failure",
        _ => "error",
    };
}
