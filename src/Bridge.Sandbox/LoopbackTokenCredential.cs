using Azure.Core;

namespace Bridge.Sandbox;

/// <summary>An Entra token for the fake Key Vault without Entra: the fake vault takes any bearer token after its challenge.</summary>
public sealed class LoopbackTokenCredential : TokenCredential
{
    public const string Token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL3ZhdWx0LmF6dXJlLm5ldCJ9.";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(Token, TimeProvider.System.GetUtcNow().AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
