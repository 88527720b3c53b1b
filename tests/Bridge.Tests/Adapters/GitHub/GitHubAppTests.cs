using System.Net;
using System.Security.Cryptography;
using Bridge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>
/// A GitHub App instead of a token: the app's private key in Key Vault, an RS256 JWT the fake GitHub verifies
/// (signature, iss, iat/exp), installation tokens with an expiry, cached per installation.
/// </summary>
public sealed class GitHubAppTests : IAsyncLifetime
{
    private const long AppId = 424242;
    private const long Installation = 9001;
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";
    private readonly RSA _key = RSA.Create(2048);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BridgeHarness _h = null!;

    private Task<BridgeHarness> Start(Action<HarnessOptions>? more = null) => BridgeHarness.StartAsync(o =>
    {
        o.UseKeyVault = true;
        o.Settings["GitHub:AppId"] = AppId.ToString();
        o.Settings["GitHub:AppPrivateKeySecretName"] = "github-app-key";
        o.ShareClock(_clock);
        more?.Invoke(o);
    });

    public async Task InitializeAsync()
    {
        _h = await Start();
        Prepare(_h);
    }

    private void Prepare(BridgeHarness h)
    {
        h.KeyVault.SetSecret("github-app-key", _key.ExportRSAPrivateKeyPem());
        h.GitHub.RevokeToken(TestSecrets.GitHubToken);
        h.GitHub.RegisterApp(AppId, _key);
        h.GitHub.AddInstallation(Installation, "octo-org");
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _key.Dispose();
    }

    private Task<HttpResponseMessage> Post(string state, string repo = "octo-org/worker") =>
        _h.PostAsync(TestEvents.Pipeline(state, pipeline: "worker", trigger: TestEvents.GitTrigger(Sha, repo)));

    [Fact]
    public async Task Statuses_are_posted_with_a_cached_installation_token()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("STARTED")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post("SUCCEEDED")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post("SUCCEEDED", "octo-org/other")).StatusCode);

        var issued = Assert.Single(_h.GitHub.IssuedInstallationTokens);
        Assert.Equal(Installation, issued.InstallationId);
        Assert.All(_h.GitHub.Statuses, s => Assert.Equal(issued.Token, s.Token));
        Assert.Equal(3, _h.GitHub.Statuses.Count);
        Assert.Equal(0, _h.GitHub.RejectedAppJwtRequests);
        var jwt = _h.GitHub.LastAppJwt!;
        Assert.Equal(AppId, jwt.AppId);
        Assert.InRange(jwt.ExpiresAt - jwt.IssuedAt, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
        Assert.True(jwt.IssuedAt < _clock.GetUtcNow(), "iat is set back for clock skew");
        Assert.Single(_h.GitHub.Requests, r => r.PathAndQuery == "/repos/octo-org/worker/installation"); // looked up once per owner
    }

    [Fact]
    public async Task A_configured_installation_needs_no_lookup()
    {
        await using var h = await Start(o => o.Settings["GitHub:InstallationIds:octo-org"] = Installation.ToString());
        Prepare(h);
        var response = await h.PostAsync(TestEvents.Pipeline("FAILED", pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(h.GitHub.Requests, r => r.PathAndQuery.EndsWith("/installation", StringComparison.Ordinal));
        Assert.Single(h.GitHub.Statuses);
    }

    [Fact]
    public async Task The_installation_token_is_renewed_before_it_expires()
    {
        await Post("STARTED");
        _clock.Advance(TimeSpan.FromMinutes(50));
        await Post("STOPPED", "octo-org/a");
        Assert.Single(_h.GitHub.IssuedInstallationTokens); // 10 minutes left: still used
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.OK, (await Post("SUCCEEDED", "octo-org/b")).StatusCode);
        Assert.Equal(2, _h.GitHub.IssuedInstallationTokens.Count);
        Assert.Equal(_h.GitHub.IssuedInstallationTokens[1].Token, _h.GitHub.Statuses[^1].Token);
    }

    [Fact]
    public async Task A_revoked_installation_token_is_replaced_after_GitHub_answers_401()
    {
        await Post("STARTED");
        _h.GitHub.RevokeInstallationToken(_h.GitHub.IssuedInstallationTokens[0].Token);
        Assert.Equal(HttpStatusCode.OK, (await Post("SUCCEEDED")).StatusCode);
        Assert.Equal(2, _h.GitHub.IssuedInstallationTokens.Count);
        Assert.Equal("success", _h.GitHub.Statuses[^1].State);
    }

    [Fact]
    public async Task An_owner_without_the_app_installed_is_a_misconfiguration()
    {
        var response = await Post("STARTED", "someone-else/repo");
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("not installed there", await response.Content.ReadAsStringAsync());
        Assert.Empty(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_key_GitHub_does_not_know_is_a_misconfiguration()
    {
        using var other = RSA.Create(2048);
        _h.KeyVault.SetSecret("github-app-key", other.ExportRSAPrivateKeyPem());
        var response = await Post("STARTED");
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("refused the app's JWT", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Neither_the_key_nor_a_JWT_nor_an_installation_token_reaches_a_log()
    {
        await Post("STARTED");
        _h.GitHub.RevokeInstallationToken(_h.GitHub.IssuedInstallationTokens[0].Token);
        await Post("FAILED");
        await Post("STARTED", "nobody/repo");
        var logs = _h.AllLogText();
        var pem = _key.ExportRSAPrivateKeyPem();
        Assert.DoesNotContain(pem.Split('\n')[1], logs);
        var jwt = _h.GitHub.Requests.First(r => r.PathAndQuery.EndsWith("/access_tokens", StringComparison.Ordinal)).Header("Authorization")!["Bearer ".Length..];
        Assert.DoesNotContain(jwt, logs);
        Assert.All(_h.GitHub.IssuedInstallationTokens, t => Assert.DoesNotContain(t.Token, logs));
    }
}
