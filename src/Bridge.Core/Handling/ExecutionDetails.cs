using Bridge.Core.Revisions;

namespace Bridge.Core.Handling;

/// <summary>
/// GetPipelineExecution's answer, reduced to what the bridge decides on. <see cref="Status"/> is the API's word
/// (InProgress, Stopping, Stopped, Succeeded, Superseded, Failed, Cancelled); a status the bridge does not know counts
/// as still running, so nothing final is concluded from it.
/// </summary>
/// <param name="ExecutionType">STANDARD or ROLLBACK (V2 pipelines); null on older answers.</param>
/// <param name="TriggerType">The execution's <c>trigger.triggerType</c> (Webhook, ManualRollback, AutomatedRollback, ...).</param>
/// <param name="RollbackTarget">For a rollback, the execution whose revisions it redeploys (<c>rollbackMetadata</c>).</param>
public sealed record ExecutionDetails(
    string? Status,
    string? ExecutionType,
    string? TriggerType,
    string? RollbackTarget,
    IReadOnlyList<ArtifactRevision> Revisions)
{
    /// <summary>The execution will not change any more: missing sources now are missing for good.</summary>
    public bool HasEnded => Status is "Succeeded" or "Failed" or "Stopped" or "Cancelled" or "Superseded";

    public bool IsRollback => ExecutionType == "ROLLBACK" || ExecutionKinds.IsRollbackTrigger(TriggerType);
}
