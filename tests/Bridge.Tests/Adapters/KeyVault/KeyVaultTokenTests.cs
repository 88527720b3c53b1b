using System.Net;
using Bridge.Adapters.Configuration;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.KeyVault;

/// <summary>The GitHub token read from the fake Key Vault over HTTPS, through its 401 challenge.</summary>
public sealed class KeyVaultTokenTests : IAsyncLifetime
{
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";
    private BridgeHarness _h = null!;

    public async Task InitializeAsync() => _h = await BridgeHarness.StartAsync(o => o.UseKeyVault = true);
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<HttpResponseMessage> Post(string state = "SUCCEEDED", string pipeline = "worker") =>
        _h.PostAsync(TestEvents.Pipeline(state, pipeline: pipeline, trigger: TestEvents.GitTrigger(Sha)));

    [Fact]
    public async Task The_token_is_read_through_the_challenge_and_cached()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("STARTED")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post("SUCCEEDED")).StatusCode);
        var reads = _h.KeyVault.Requests;
        Assert.Null(reads[0].Header("Authorization"));                  // the SDK's first, unauthenticated request…
        Assert.StartsWith("Bearer ", reads[1].Header("Authorization")); // …then the token the challenge asked for
        Assert.Equal(1, _h.KeyVault.SecretReads);
        Assert.Equal(2, _h.GitHub.Statuses.Count);
        Assert.Equal(TestSecrets.GitHubToken, _h.GitHub.Statuses[0].Token);
    }

    [Fact]
    public async Task A_rotated_token_is_picked_up_after_GitHub_answers_401()
    {
        await Post("STARTED");
        _h.KeyVault.SetSecret("github-token", TestSecrets.RotatedGitHubToken);
        _h.GitHub.RevokeToken(TestSecrets.GitHubToken);
        _h.GitHub.AcceptToken(TestSecrets.RotatedGitHubToken);
        Assert.Equal(HttpStatusCode.OK, (await Post("SUCCEEDED")).StatusCode);
        Assert.Equal(TestSecrets.RotatedGitHubToken, _h.GitHub.Statuses[^1].Token);
        Assert.Equal(2, _h.KeyVault.SecretReads);
    }

    [Fact]
    public async Task An_outage_after_the_cache_lifetime_carries_on_with_the_token_read_before()
    {
        // The bridge's own clock is fake; the fakes keep the real one, so AWS signatures stay current.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.Services = s => s.AddSingleton<TimeProvider>(clock);
        });
        var post = (string state) => h.PostAsync(TestEvents.Pipeline(state, pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal(HttpStatusCode.OK, (await post("STARTED")).StatusCode);
        Assert.Equal(1, h.KeyVault.SecretReads);

        h.KeyVault.SetFault(FakeKeyVault.ServiceUnavailable());
        clock.Advance(h.App.Services.GetRequiredService<IOptions<GitHubOptions>>().Value.TokenCacheTtl + TimeSpan.FromSeconds(1));
        var vaultRequests = h.KeyVault.RequestCount;

        Assert.Equal(HttpStatusCode.OK, (await post("SUCCEEDED")).StatusCode);
        Assert.True(h.KeyVault.RequestCount > vaultRequests, "past its lifetime the cached token is read again");
        Assert.Equal(1, h.KeyVault.SecretReads); // …and the vault answered none of those reads
        Assert.Equal(TestSecrets.GitHubToken, h.GitHub.Statuses[^1].Token);
    }

    [Fact]
    public async Task An_outage_without_a_token_asks_EventBridge_to_retry_and_redelivery_posts()
    {
        _h.KeyVault.SetFault(FakeKeyVault.ServiceUnavailable());
        var response = await Post();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, _h.GitHub.RequestCount);
        _h.KeyVault.SetFault(null);
        Assert.Equal(HttpStatusCode.OK, (await Post()).StatusCode);
        Assert.Single(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_missing_secret_is_a_misconfiguration()
    {
        _h.KeyVault.DeleteSecret("github-token");
        var response = await Post();
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("secret 'github-token' does not exist", await response.Content.ReadAsStringAsync());
    }
}
