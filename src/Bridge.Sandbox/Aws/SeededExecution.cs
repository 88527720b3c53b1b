using System.Text.Json;

namespace Bridge.Sandbox;

/// <summary>
/// An execution a test or the sandbox put into <see cref="FakeCodePipeline"/>: what its GetPipelineExecution answers for it
/// (<c>pipelineExecution</c>). Not the bridge's own view of an execution.
/// </summary>
/// <param name="PipelineName">The pipeline's name.</param>
/// <param name="ExecutionId">The execution id (a UUID in real AWS; any string here).</param>
/// <param name="Status">The API's status word: see <see cref="PipelineExecutionStatus"/> (note: the API says <c>Cancelled</c>, events say <c>CANCELED</c>).</param>
/// <param name="Revisions">
/// The artifact revisions. An empty list models "the source action has not run yet"; null omits the field altogether.
/// </param>
public sealed record SeededExecution(string PipelineName, string ExecutionId, string Status, IReadOnlyList<SeededRevision>? Revisions)
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
