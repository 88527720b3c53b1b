namespace Bridge.Core.Statuses;

/// <summary>
/// The state table (docs/architecture.md#state-table). STOPPING is transitional (STOPPED follows); unknown states post nothing,
/// so a state AWS adds later can never leave a wrong status behind.
/// </summary>
public static class StateTable
{
    public static StateMapping? ForPipeline(string state, SupersededState superseded = SupersededState.Error) => state switch
    {
        "STARTED" or "RESUMED" => new(CommitState.Pending, "is running"),
        "SUCCEEDED" => new(CommitState.Success, "succeeded"),
        "FAILED" => new(CommitState.Failure, "failed"),
        "STOPPED" => new(CommitState.Error, "stopped"),
        "CANCELED" => new(CommitState.Error, "canceled (pipeline updated)"),
        "SUPERSEDED" => superseded switch
        {
            SupersededState.None => null,
            SupersededState.Pending => new(CommitState.Pending, "superseded by a newer execution"),
            SupersededState.Success => new(CommitState.Success, "superseded by a newer execution"),
            _ => new(CommitState.Error, "superseded by a newer execution"),
        },
        _ => null,
    };

    /// <summary>
    /// Stages have the pipeline's states but SUPERSEDED, and can be skipped (an entry condition with result Skip): a
    /// skipped stage is done and did not fail, so it shows success rather than a pending that nothing would close.
    /// </summary>
    public static StateMapping? ForStage(string state) => state switch
    {
        "SUPERSEDED" => null,
        "SKIPPED" => new(CommitState.Success, "was skipped"),
        _ => ForPipeline(state),
    };

    /// <summary>States the table knows but deliberately does not post.</summary>
    public static bool IsKnownNoPost(string state) => state is "STOPPING" or "SUPERSEDED";
}
