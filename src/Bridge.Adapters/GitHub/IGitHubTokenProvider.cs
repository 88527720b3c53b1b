namespace Bridge.Adapters.GitHub;

/// <summary>The token to post a status to one repository with. Handed to Octokit only; never logged or echoed.</summary>
public interface IGitHubTokenProvider
{
    /// <param name="refresh">True after GitHub answered 401: get a fresh token (rotated secret, expired installation token).</param>
    ValueTask<string> GetTokenAsync(string owner, string repository, bool refresh, CancellationToken ct);
}
