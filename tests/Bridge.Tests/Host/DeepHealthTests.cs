using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bridge.Tests.Support;

namespace Bridge.Tests.Host;

/// <summary>GET /api/health?deep=true: every configured credential checked end to end, each failure named, nothing posted.</summary>
public sealed class DeepHealthTests : IAsyncLifetime
{
    private BridgeHarness _h = null!;

    public async Task InitializeAsync() => _h = await BridgeHarness.StartAsync(o => o.UseKeyVault = true);
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<(HttpStatusCode Status, Dictionary<string, (string Status, string Detail)> Checks)> Deep(string? key = TestSecrets.FunctionKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health?deep=true");
        if (key is not null) request.Headers.Add("x-functions-key", key);
        var response = await _h.Client.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
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
}
