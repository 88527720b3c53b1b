using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>
/// A GitHub Enterprise Server API base written as the README and the Bicep template write it, <c>https://HOST/api/v3</c>
/// with no trailing slash, keeps its whole path for every call: status posts, the app's installation lookup and token,
/// and the deep health check. Over real HTTP, through the host's own wiring, against a fake GitHub that serves only
/// under <c>/api/v3</c>.
/// </summary>
public sealed class GitHubApiBasePathTests : IAsyncLifetime
{
    private const long AppId = 515151;
    private const long Installation = 7007;
    private const string Sha = "4a5b6c7d8e9f00112233445566778899aabbccdd";
    private readonly FakeGitHub _ghes = new(pathPrefix: "/api/v3");
    private readonly RSA _key = RSA.Create(2048);

    public async Task InitializeAsync()
    {
        await _ghes.StartAsync();
        _ghes.AcceptToken(TestSecrets.GitHubToken);
        _ghes.RegisterApp(AppId, _key);
        _ghes.AddInstallation(Installation, "octo-org");
    }

    public async Task DisposeAsync()
    {
        await _ghes.DisposeAsync();
        _key.Dispose();
    }

    /// <summary><c>http://127.0.0.1:{port}/api/v3</c>: no trailing slash.</summary>
    private string BaseWithoutSlash => $"http://127.0.0.1:{_ghes.BaseAddress.Port}/api/v3";

    private Task<BridgeHarness> Start(Action<HarnessOptions>? more = null) => BridgeHarness.StartAsync(o =>
    {
        o.Settings["GitHub:ApiBaseUrl"] = BaseWithoutSlash;
        o.Settings["GitHub:Host"] = "github.com";
        more?.Invoke(o);
    });

    private static async Task<JsonArray> DeepHealth(BridgeHarness h)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health?deep=true");
        request.Headers.Add("x-functions-key", TestSecrets.FunctionKey);
        var response = await h.Client.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["checks"]!.AsArray();
    }

    private static JsonNode Check(JsonArray checks, string prefix) =>
        checks.Single(c => ((string)c!["name"]!).StartsWith(prefix, StringComparison.Ordinal))!;

    private string Requests() => string.Join(", ", _ghes.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));

    [Fact]
    public async Task A_token_host_posts_statuses_and_checks_its_token_under_the_full_base_path()
    {
        await using var h = await Start();

        var response = await h.PostAsync(TestEvents.Pipeline("SUCCEEDED", pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));
        var health = Check(await DeepHealth(h), "GitHub: token on");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}; the fake saw: {Requests()}");

        Assert.Contains(_ghes.Requests, r => r.Method == "POST" && r.PathAndQuery == $"/api/v3/repos/octo-org/worker/statuses/{Sha}");
        Assert.Contains(_ghes.Requests, r => r.Method == "GET" && r.PathAndQuery == "/api/v3/user");
        Assert.All(_ghes.Requests, r => Assert.StartsWith("/api/v3/", r.PathAndQuery));
        Assert.Equal("pass", (string?)health["status"]);
        Assert.Equal("success", Assert.Single(_ghes.Statuses).State);
        Assert.Equal(0, h.GitHub.RequestCount); // nothing leaked to the harness's own github.com fake
    }

    [Fact]
    public async Task A_GitHub_App_looks_up_its_installation_and_token_under_the_full_base_path()
    {
        await using var h = await Start(o =>
        {
            o.Settings["GitHub:Token"] = null;
            o.Settings["GitHub:AppId"] = AppId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            o.Settings["GitHub:AppPrivateKey"] = _key.ExportRSAPrivateKeyPem();
        });

        var response = await h.PostAsync(TestEvents.Pipeline("STARTED", pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));
        var health = Check(await DeepHealth(h), "GitHub: GitHub App");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}; the fake saw: {Requests()}");

        Assert.Contains(_ghes.Requests, r => r.Method == "GET" && r.PathAndQuery == "/api/v3/repos/octo-org/worker/installation");
        Assert.Contains(_ghes.Requests, r => r.Method == "POST" && r.PathAndQuery == $"/api/v3/app/installations/{Installation}/access_tokens");
        Assert.Contains(_ghes.Requests, r => r.Method == "POST" && r.PathAndQuery == $"/api/v3/repos/octo-org/worker/statuses/{Sha}");
        Assert.Contains(_ghes.Requests, r => r.Method == "GET" && r.PathAndQuery == "/api/v3/app");
        Assert.All(_ghes.Requests, r => Assert.StartsWith("/api/v3/", r.PathAndQuery));
        Assert.Equal("pass", (string?)health["status"]);
        Assert.Equal("pending", Assert.Single(_ghes.Statuses).State);
        Assert.Equal(0, h.GitHub.RequestCount);
    }

    [Theory]
    [InlineData("https://ghes.example.com/api/v3", "https://ghes.example.com/api/v3/")]
    [InlineData("https://ghes.example.com/api/v3/", "https://ghes.example.com/api/v3/")]
    [InlineData("https://api.github.com", "https://api.github.com/")]
    [InlineData("https://api.github.com/", "https://api.github.com/")]
    [InlineData("http://127.0.0.1:8080/api/v3", "http://127.0.0.1:8080/api/v3/")]
    public void The_factory_gives_Octokit_a_base_that_ends_in_a_slash(string configured, string expected) =>
        Assert.Equal(expected, global::Bridge.Adapters.GitHub.GitHubClientFactory.ApiBase(new Uri(configured)).AbsoluteUri);
}
