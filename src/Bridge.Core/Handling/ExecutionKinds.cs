namespace Bridge.Core.Handling;

/// <summary>Which executions are rollbacks: they redeploy an older execution's commits and report apart from it.</summary>
public static class ExecutionKinds
{
    /// <summary>The trigger types CodePipeline gives a rollback execution (in its events and in GetPipelineExecution).</summary>
    public static bool IsRollbackTrigger(string? triggerType) => triggerType is "ManualRollback" or "AutomatedRollback";
}
