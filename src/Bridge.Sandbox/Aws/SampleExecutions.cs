using System.Text.Json;

namespace Bridge.Sandbox;

/// <summary>Loads GetPipelineExecution answers (samples/executions.json: <c>{"pipelineExecutions": [ … ]}</c>) into the fake.</summary>
public static class SampleExecutions
{
    public static void SeedFrom(this FakeCodePipeline codePipeline, string executionsFile)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(executionsFile));
        foreach (var e in doc.RootElement.GetProperty("pipelineExecutions").EnumerateArray())
        {
            var revisions = e.GetProperty("artifactRevisions").EnumerateArray().Select(a => new SeededRevision(
                a.GetProperty("name").GetString()!, a.GetProperty("revisionId").GetString()!,
                a.TryGetProperty("revisionUrl", out var url) ? url.GetString() : null,
                a.TryGetProperty("revisionSummary", out var summary) ? summary.GetString() : null)).ToArray();
            codePipeline.AddExecution(e.GetProperty("pipelineName").GetString()!, e.GetProperty("pipelineExecutionId").GetString()!,
                e.GetProperty("status").GetString()!, revisions);
        }
    }
}
