namespace Bridge.Core.Revisions;

/// <summary>What an execution's sources resolved to.</summary>
public sealed record ResolvedRevisions(IReadOnlyList<GitHubRevision> GitHub, IReadOnlyList<SkippedRevision> Skipped)
{
    public static readonly ResolvedRevisions None = new([], []);
    public bool IsEmpty => GitHub.Count == 0 && Skipped.Count == 0;
}
