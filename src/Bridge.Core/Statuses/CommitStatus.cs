namespace Bridge.Core.Statuses;

/// <summary>Exactly what is sent to POST /repos/{owner}/{repo}/statuses/{sha}.</summary>
public sealed record CommitStatus(CommitState State, string Context, string Description, string TargetUrl)
{
    public bool IsTerminal => State != CommitState.Pending;

    /// <summary>The state as GitHub's API spells it (the one home of this mapping, both ways).</summary>
    public static string Wire(CommitState s) => s switch
    {
        CommitState.Pending => "pending",
        CommitState.Success => "success",
        CommitState.Failure => "failure",
        _ => "error",
    };

    /// <summary>The inverse of <see cref="Wire"/>; anything unknown reads as error, the state that never looks green.</summary>
    public static CommitState FromWire(string? s) => s switch
    {
        "pending" => CommitState.Pending,
        "success" => CommitState.Success,
        "failure" => CommitState.Failure,
        _ => CommitState.Error,
    };
}
