using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Core;
using Bridge.Core.Handling;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Host;

/// <summary>GET /api/health?deep=true: every configured credential checked end to end, each failure named, nothing posted.</summary>
public sealed class DeepHealthTests : IAsyncLifetime
{
    private BridgeHarness _h = null!;

    public async Task InitializeAsync() => _h = await BridgeHarness.StartAsync(o => o.UseKeyVault = true);
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<(HttpStatusCode Status, Dictionary<string, (string Status, string Detail)> Checks)> Deep(string? key = TestSecrets.FunctionKey) => Deep(_h, key);

    private static async Task<(HttpStatusCode Status, Dictionary<string, (string Status, string Detail)> Checks)> Deep(BridgeHarness h, string? key = TestSecrets.FunctionKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health?deep=true");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        var response = await h.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable or HttpStatusCode.Unauthorized, $"{(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!;
        var checks = body["checks"]?.AsArray().ToDictionary(c => (string)c!["name"]!, c => ((string)c!["status"]!, (string)c["detail"]!)) ?? [];
        return (response.StatusCode, checks);
    }

    [Fact]
    public async Task Everything_configured_passes_and_nothing_is_posted()
    {
        var (status, checks) = await Deep();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["AWS role for every account", "GitHub: Key Vault secret 'github-token'", "GitHub: token on github.com", "status ledger"], checks.Keys.Order());
        Assert.All(checks.Values, c => Assert.Equal("pass", c.Status));
        Assert.Contains("repo:status", checks["GitHub: token on github.com"].Detail);
        Assert.Contains("codepipeline-github-bridge assumed", checks["AWS role for every account"].Detail);
        Assert.Empty(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task It_needs_the_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Deep(key: null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Deep(key: "nope")).Status);
        Assert.Equal(0, _h.UpstreamRequestCount);
    }

    [Fact]
    public async Task A_missing_secret_is_named()
    {
        _h.KeyVault.DeleteSecret("github-token");
        var (status, checks) = await Deep();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("fail", checks["GitHub: Key Vault secret 'github-token'"].Status);
        Assert.Contains("does not exist", checks["GitHub: Key Vault secret 'github-token'"].Detail);
        Assert.Equal("pass", checks["AWS role for every account"].Status);
    }

    [Fact]
    public async Task A_revoked_token_is_named()
    {
        _h.GitHub.RevokeToken(TestSecrets.GitHubToken);
        var (status, checks) = await Deep();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("fail", checks["GitHub: token on github.com"].Status);
        Assert.Contains("401", checks["GitHub: token on github.com"].Detail);
        Assert.Equal("pass", checks["GitHub: Key Vault secret 'github-token'"].Status);
    }

    [Fact]
    public async Task A_role_that_cannot_be_assumed_is_named()
    {
        _h.Sts.AllowRole("arn:aws:iam::111122223333:role/another");
        var (status, checks) = await Deep();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("fail", checks["AWS role for every account"].Status);
        Assert.Contains("AccessDenied", checks["AWS role for every account"].Detail);
        Assert.Equal("pass", checks["GitHub: token on github.com"].Status);
    }

    [Fact]
    public async Task A_GitHub_App_installation_without_status_write_is_named()
    {
        using var key = RSA.Create(2048);
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.Settings["GitHub:AppId"] = "77";
            o.Settings["GitHub:AppPrivateKeySecretName"] = "app-key";
            o.Settings["GitHub:InstallationIds:octo-org"] = "5";
            o.Settings["GitHub:InstallationIds:read-only-org"] = "6";
        });
        h.KeyVault.SetSecret("app-key", key.ExportRSAPrivateKeyPem());
        h.GitHub.RegisterApp(77, key);
        h.GitHub.AddInstallation(5, "octo-org");
        h.GitHub.AddInstallation(6, "read-only-org", new Dictionary<string, string> { ["statuses"] = "read", ["metadata"] = "read" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health/deep");
        request.Headers.Add("x-functions-key", TestSecrets.FunctionKey);
        var response = await h.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("read-only-org has statuses: read; it needs write", text);
        Assert.Contains("\"name\":\"GitHub: Key Vault secret 'app-key'\",\"status\":\"pass\"", text);
    }

    private const string VaultCheck = "GitHub: Key Vault secret 'github-token'";

    public static TheoryData<string> VaultFaults => new() { "unreachable", "hang", "untrusted certificate", "403", "503" };

    [Theory]
    [MemberData(nameof(VaultFaults))]
    public async Task A_vault_that_fails_is_named_even_with_a_value_cached_and_within_the_budget(string fault)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.ShareClock(clock);
        });
        Assert.Equal(HttpStatusCode.OK, (await Deep(h)).Status); // the token is now cached
        switch (fault)
        {
            case "unreachable": await h.KeyVault.GoUnreachableAsync(); break;
            case "hang": h.KeyVault.SetFault(FakeKeyVault.Hang()); break;
            case "untrusted certificate": h.KeyVault.PresentUntrustedCertificate = true; break;
            case "403": h.KeyVault.SetFault(FakeKeyVault.ForbiddenByRbac()); break;
            default: h.KeyVault.SetFault(FakeKeyVault.ServiceUnavailable()); break;
        }
        var deep = Deep(h);
        try
        {
            // A vault that holds the request gets the budget's upstream share of the shared clock, and one try per reader
            // (the secret's check and the token's check, which reads through the cache): it was the checks' own limit
            // that ended them, not the SDK's timeout and retries. The other faults answer at once.
            if (await FakeClockRequests.AdvanceIfHeldAsync(clock, h.KeyVault, RequestBudget.Default.Upstream, deep))
                Assert.Equal(2, h.KeyVault.HeldCount);
        }
        finally
        {
            await FakeClockRequests.RunOutAsync(clock, deep);
        }
        var (status, checks) = await deep;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("fail", checks[VaultCheck].Status);
        Assert.False(string.IsNullOrWhiteSpace(checks[VaultCheck].Detail));
        Assert.Equal("pass", checks["AWS role for every account"].Status);
    }

    [Fact]
    public async Task Garbage_from_STS_fails_its_check_instead_of_the_whole_answer()
    {
        _h.Sts.SetFault(Fault.Respond(200, "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>", "text/xml"));
        var (status, checks) = await Deep();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("fail", checks["AWS role for every account"].Status);
        Assert.Equal("pass", checks[VaultCheck].Status);
    }

    [Fact]
    public async Task A_public_key_where_the_app_key_should_be_is_named()
    {
        using var key = RSA.Create(2048);
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.Settings["GitHub:AppId"] = "77";
            o.Settings["GitHub:AppPrivateKeySecretName"] = "app-key";
            o.Settings["GitHub:InstallationIds:octo-org"] = "5";
        });
        h.KeyVault.SetSecret("app-key", key.ExportSubjectPublicKeyInfoPem());
        h.GitHub.RegisterApp(77, key);
        h.GitHub.AddInstallation(5, "octo-org");
        var (status, checks) = await Deep(h);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("fail", checks["GitHub: GitHub App 77"].Status);
    }

    [Fact]
    public async Task It_says_which_GitHub_hosts_get_statuses()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health/deep");
        request.Headers.Add("x-functions-key", TestSecrets.FunctionKey);
        var body = JsonNode.Parse(await (await _h.Client.SendAsync(request)).Content.ReadAsStringAsync())!;
        Assert.Equal(["github.com"], body["statusHosts"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task An_unexpected_error_in_Development_answers_a_bare_problem_with_Retry_After_and_no_headers_echoed()
    {
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.Environment = "Development";
            o.Services = s => s.AddSingleton<TokenCredential>(_ => throw new InvalidOperationException("resolving the credential failed"));
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health/deep");
        request.Headers.Add("x-functions-key", TestSecrets.FunctionKey);
        var response = await h.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain(TestSecrets.FunctionKey, text);
        Assert.DoesNotContain("resolving the credential failed", text);
    }

    /// <summary>A captive portal or proxy in front of GitHub: 200 with an HTML page where /user should be.</summary>
    private sealed class HtmlForUser : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.EndsWith("/user", StringComparison.Ordinal)
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("<!DOCTYPE html><html><body>Sign in to continue</body></html>", System.Text.Encoding.UTF8, "text/html"),
                })
                : base.SendAsync(request, cancellationToken);
    }

    [Fact]
    public async Task GitHub_answering_html_fails_its_check_instead_of_the_whole_answer()
    {
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.UseKeyVault = true;
            o.Services = s => s.AddHttpClient(Bridge.Adapters.BridgeServiceCollectionExtensions.GitHubHttpClient).AddHttpMessageHandler(() => new HtmlForUser());
        });
        var (status, checks) = await Deep(h);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("fail", checks["GitHub: token on github.com"].Status);
        Assert.Equal("pass", checks[VaultCheck].Status);
    }
}
