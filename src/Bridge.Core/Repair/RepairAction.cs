namespace Bridge.Core.Repair;

/// <summary>What the sweep did with one pending slot (the <c>action</c> tag of <c>bridge.repair.actions</c>).</summary>
public enum RepairAction
{
    /// <summary>The execution had ended: its final status was posted.</summary>
    Posted,
    /// <summary>The execution had ended, and GitHub already shows its final status (or nothing is to be posted): recorded only.</summary>
    Unchanged,
    /// <summary>A newer status won: another instance posted it, or a newer execution reported meanwhile.</summary>
    Newer,
    /// <summary>The execution is still running (InProgress, Stopping): left pending.</summary>
    Running,
    /// <summary>CodePipeline does not know the execution, not yet for Repair:GiveUpAfter: left pending.</summary>
    NotFound,
    /// <summary>CodePipeline did not know the execution for Repair:GiveUpAfter: error "the result was never received" posted.</summary>
    GaveUp,
    /// <summary>CodePipeline, GitHub or the ledger failed: the next sweep tries again.</summary>
    Failed,
    /// <summary>Nothing to ask: a row written before the ledger kept account, region and pipeline, a context of another prefix, or an execution already known to have ended.</summary>
    Skipped,
}
