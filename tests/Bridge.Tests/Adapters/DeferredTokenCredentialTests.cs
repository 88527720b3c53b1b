using Azure.Core;
using Bridge.Adapters;

namespace Bridge.Tests.Adapters;

/// <summary>The Azure identity is built on the first token request, once, and not before.</summary>
public sealed class DeferredTokenCredentialTests
{
    [Fact]
    public async Task The_credential_is_built_on_the_first_token_request_and_only_once()
    {
        var built = 0;
        var credential = new DeferredTokenCredential(() =>
        {
            built++;
            return new FixedToken();
        });
        Assert.Equal(0, built);

        var context = new TokenRequestContext(["https://vault.azure.net/.default"]);
        var first = await credential.GetTokenAsync(context, CancellationToken.None);
        var second = credential.GetToken(context, CancellationToken.None);

        Assert.Equal(1, built);
        Assert.Equal("token-for-https://vault.azure.net/.default", first.Token);
        Assert.Equal(first.Token, second.Token);
    }

    private sealed class FixedToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new($"token-for-{requestContext.Scopes[0]}", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
