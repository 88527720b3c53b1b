using System.Text.Json;

namespace Bridge.Sandbox;

/// <summary>What <see cref="FakeCodePipeline"/> answers for one execution.</summary>
/// <param name="PipelineName">The pipeline's name.</param>
/// <param name="ExecutionId">The execution id (a UUID in real AWS; any string here).</param>
/// <param name="Status">The API's status word: see <see cref="PipelineExecutionStatus"/> (note: the API says <c>Cancelled</c>, events say <c>CANCELED</c>).</param>
/// <param name="Revisions">
/// The artifact revisions. An empty list models "the source action has not run yet"; null omits the field altogether.
/// </param>
public sealed record PipelineExecution(string PipelineName, string ExecutionId, string Status, IReadOnlyList<ArtifactRevision>? Revisions)
{
    public int PipelineVersion { get; init; } = 1;

    /// <summary>For example <c>Webhook</c>, <c>StartPipelineExecution</c>, <c>CloudWatchEvent</c>. Null omits <c>trigger</c>.</summary>
    public string? TriggerType { get; init; }

    public string? TriggerDetail { get; init; }

    /// <summary>SUPERSEDED, QUEUED or PARALLEL (V2 pipelines report it).</summary>
    public string ExecutionMode { get; init; } = "SUPERSEDED";

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("pipelineExecution");
        writer.WriteString("pipelineName", PipelineName);
        writer.WriteNumber("pipelineVersion", PipelineVersion);
        writer.WriteString("pipelineExecutionId", ExecutionId);
        writer.WriteString("status", Status);
        if (Revisions is not null)
        {
            writer.WriteStartArray("artifactRevisions");
            foreach (var revision in Revisions)
            {
                revision.Write(writer);
            }

            writer.WriteEndArray();
        }

        if (TriggerType is not null)
        {
            writer.WriteStartObject("trigger");
            writer.WriteString("triggerType", TriggerType);
            writer.WriteString("triggerDetail", TriggerDetail ?? "");
            writer.WriteEndObject();
        }

        writer.WriteString("executionMode", ExecutionMode);
        writer.WriteString("executionType", "STANDARD");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

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
