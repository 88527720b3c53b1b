namespace Bridge.Core.Revisions;

/// <summary>A commit on a GitHub host that a status can be posted to. Only built from validated parts.</summary>
/// <param name="Host">The web host the commit lives on: github.com, or a GitHub Enterprise Server host.</param>
public sealed record GitHubRevision(string Host, string Owner, string Repository, string Sha)
{
    public string FullName => $"{Owner}/{Repository}";
}

/// <summary>A source revision that gets no status, and why (one log line, one entry in the response).</summary>
public sealed record SkippedRevision(string Source, string Reason);

/// <summary>One entry of GetPipelineExecution's <c>artifactRevisions</c>, without SDK types.</summary>
public sealed record ArtifactRevision(string? Name, string? RevisionId, string? RevisionUrl, string? RevisionSummary);

/// <summary>What an execution's sources resolved to.</summary>
public sealed record ResolvedRevisions(IReadOnlyList<GitHubRevision> GitHub, IReadOnlyList<SkippedRevision> Skipped)
{
    public static readonly ResolvedRevisions None = new([], []);
    public bool IsEmpty => GitHub.Count == 0 && Skipped.Count == 0;
}
