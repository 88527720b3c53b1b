using Bridge.Adapters.KeyVault;

namespace Bridge.Adapters.GitHub;

/// <summary>The token to post a status to one repository with. Handed to Octokit only; never logged or echoed.</summary>
public interface IGitHubTokenProvider
{
    /// <param name="refresh">True after GitHub answered 401: get a fresh token (rotated secret, expired installation token).</param>
    ValueTask<string> GetTokenAsync(string owner, string repository, bool refresh, CancellationToken ct);
}

/// <summary>A personal access token (or any static token), the same for every repository.</summary>
public sealed class PatTokenProvider(ISecretSource token) : IGitHubTokenProvider
{
    public ValueTask<string> GetTokenAsync(string owner, string repository, bool refresh, CancellationToken ct) => token.GetAsync(refresh, ct);
}
