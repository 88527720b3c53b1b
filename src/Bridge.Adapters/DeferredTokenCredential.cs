using Azure.Core;

namespace Bridge.Adapters;

/// <summary>
/// The Azure identity, built on its first token request. Constructing <c>DefaultAzureCredential</c> loads Azure.Identity
/// and MSAL (about 2.5 MB resident, and start-up time); a host configured with AWS keys, a GitHub token and the in-memory
/// ledger never asks for an Azure token, so it should not pay for them (BENCHMARKS.md, the bridge alone).
/// </summary>
internal sealed class DeferredTokenCredential(Func<TokenCredential> create) : TokenCredential
{
    private readonly Lazy<TokenCredential> _credential = new(create);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        _credential.Value.GetToken(requestContext, cancellationToken);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        _credential.Value.GetTokenAsync(requestContext, cancellationToken);
}
