namespace Bridge.Core.Statuses;

/// <summary>What a CodePipeline state means on GitHub. Null: post nothing.</summary>
public sealed record StateMapping(CommitState State, string Phrase);

/// <summary>
/// The state table (docs/architecture.md#state-table). STOPPING is transitional (STOPPED follows); unknown states post nothing,
/// so a state AWS adds later can never leave a wrong status behind.
/// </summary>
public static class StateTable
{
    public static StateMapping? ForPipeline(string state) => state switch
    {
        "STARTED" or "RESUMED" => new(CommitState.Pending, "is running"),
        "SUCCEEDED" => new(CommitState.Success, "succeeded"),
        "FAILED" => new(CommitState.Failure, "failed"),
        "STOPPED" => new(CommitState.Error, "stopped"),
        "CANCELED" => new(CommitState.Error, "canceled (pipeline updated)"),
        "SUPERSEDED" => new(CommitState.Error, "superseded by a newer execution"),
        _ => null,
    };

    /// <summary>Stages have the pipeline's states but SUPERSEDED.</summary>
    public static StateMapping? ForStage(string state) => state == "SUPERSEDED" ? null : ForPipeline(state);

    /// <summary>States the table knows but deliberately does not post.</summary>
    public static bool IsKnownNoPost(string state) => state == "STOPPING";
}
