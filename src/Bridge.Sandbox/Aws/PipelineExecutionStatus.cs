namespace Bridge.Sandbox;

/// <summary>The <c>PipelineExecutionStatus</c> values of the CodePipeline API.</summary>
public static class PipelineExecutionStatus
{
    public const string InProgress = "InProgress";
    public const string Stopping = "Stopping";
    public const string Stopped = "Stopped";
    public const string Succeeded = "Succeeded";
    public const string Superseded = "Superseded";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
}
