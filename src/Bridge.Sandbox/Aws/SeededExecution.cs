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

        writer.WriteString("executionMode", "SUPERSEDED");
        writer.WriteString("executionType", "STANDARD");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
