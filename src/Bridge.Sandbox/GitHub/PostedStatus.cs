namespace Bridge.Sandbox;

/// <summary>A commit status the GitHub fake accepted (answered 201).</summary>
/// <param name="Id">The status id GitHub would assign.</param>
/// <param name="Sequence">Arrival order over the whole fake, from 1: the highest per (repo, sha, context) is what GitHub shows.</param>
/// <param name="Owner">Repository owner, as in the URL.</param>
/// <param name="Repo">Repository name, as in the URL.</param>
/// <param name="Sha">Commit SHA, lower case.</param>
/// <param name="State">error, failure, pending or success.</param>
/// <param name="Context">The status context ("default" when the request had none, as GitHub does).</param>
/// <param name="Description">The description, if any.</param>
/// <param name="TargetUrl">The target URL, if any.</param>
/// <param name="Token">The token that authorised the post (this is a fake: kept in clear so tests can tell tokens apart).</param>
/// <param name="CreatedAt">Arrival time by the fake's clock.</param>
public sealed record PostedStatus(
    long Id,
    long Sequence,
    string Owner,
    string Repo,
    string Sha,
    string State,
    string Context,
    string? Description,
    string? TargetUrl,
    string Token,
    DateTimeOffset CreatedAt)
{
    public string OwnerRepo => $"{Owner}/{Repo}";

    // The token stays out of test output.
    public override string ToString() => $"#{Sequence} {OwnerRepo}@{Sha[..Math.Min(7, Sha.Length)]} [{Context}] {State}: {Description}";
}
