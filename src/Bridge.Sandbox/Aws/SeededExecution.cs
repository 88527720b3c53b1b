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
/// <param name="ExecutionType">STANDARD or ROLLBACK.</param>
/// <param name="TriggerType">The <c>trigger.triggerType</c> (Webhook, StartPipelineExecution, ManualRollback, AutomatedRollback, ...).</param>
/// <param name="RollbackTarget">For a rollback, <c>rollbackMetadata.rollbackTargetPipelineExecutionId</c>.</param>
public sealed record SeededExecution(
    string PipelineName,
    string ExecutionId,
    string Status,
    IReadOnlyList<SeededRevision>? Revisions,
    string ExecutionType = "STANDARD",
    string TriggerType = "StartPipelineExecution",
    string? RollbackTarget = null)
{
    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("pipelineExecution");
        writer.WriteString("pipelineName", PipelineName);
        writer.WriteNumber("pipelineVersion", 1);
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

        writer.WriteStartObject("trigger");
        writer.WriteString("triggerType", TriggerType);
        // Who or what started it: the connection for Git triggers, the caller's ARN otherwise.
        writer.WriteString("triggerDetail", TriggerType is "Webhook" or "WebhookV2"
            ? "arn:aws:codeconnections:us-east-1:123456789012:connection/4f1e2d3c-5b6a-4978-8a9b-0c1d2e3f4a5b"
            : "arn:aws:sts::123456789012:assumed-role/operator/session");
        writer.WriteEndObject();
        writer.WriteString("executionMode", "SUPERSEDED");
        writer.WriteString("executionType", ExecutionType);
        if (RollbackTarget is not null)
        {
            writer.WriteStartObject("rollbackMetadata");
            writer.WriteString("rollbackTargetPipelineExecutionId", RollbackTarget);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
