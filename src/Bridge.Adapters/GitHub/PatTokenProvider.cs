using Bridge.Adapters.KeyVault;

namespace Bridge.Adapters.GitHub;

/// <summary>A personal access token (or any static token), the same for every repository.</summary>
public sealed class PatTokenProvider(ISecretSource token) : IGitHubTokenProvider
{
    public ValueTask<string> GetTokenAsync(string owner, string repository, bool refresh, CancellationToken ct) => token.GetAsync(refresh, ct);
}
