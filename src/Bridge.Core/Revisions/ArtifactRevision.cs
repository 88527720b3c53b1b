namespace Bridge.Core.Revisions;

/// <summary>One entry of GetPipelineExecution's <c>artifactRevisions</c>, without SDK types.</summary>
public sealed record ArtifactRevision(string? Name, string? RevisionId, string? RevisionUrl, string? RevisionSummary);
