namespace Bridge.Core.Revisions;

/// <summary>A commit on a GitHub host that a status can be posted to. Only built from validated parts.</summary>
/// <param name="Host">The web host the commit lives on: github.com, or a GitHub Enterprise Server host.</param>
public sealed record GitHubRevision(string Host, string Owner, string Repository, string Sha)
{
    public string FullName => $"{Owner}/{Repository}";
}
