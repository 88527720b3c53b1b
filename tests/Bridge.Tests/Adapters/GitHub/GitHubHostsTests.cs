using System.Net;
using System.Text.Json.Nodes;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>github.com and a GitHub Enterprise Server side by side, each with its own API and credential.</summary>
public sealed class GitHubHostsTests : IAsyncLifetime
{
    private const string EnterpriseToken = "ghes_ENTERPRISETOKEN0123456789abcdef";
    private const string ShaCom = "1111111111111111111111111111111111111111";
    private const string ShaGhes = "2222222222222222222222222222222222222222";
    private const string ShaOther = "3333333333333333333333333333333333333333";
    private readonly FakeGitHub _enterprise = new(pathPrefix: "/api/v3");
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        await _enterprise.StartAsync();
        _enterprise.AcceptToken(EnterpriseToken);
        _h = await BridgeHarness.StartAsync(o =>
        {
            o.Settings["GitHub:Enterprise:0:Host"] = "github.example.com";
            o.Settings["GitHub:Enterprise:0:ApiBaseUrl"] = _enterprise.ApiAddress.ToString();
            o.Settings["GitHub:Enterprise:0:Token"] = EnterpriseToken;
        });
        _h.CodePipeline.AddExecution("mono", "e1000000-0000-4000-8000-000000000001", "InProgress",
            SeededRevision.GitHubV1("octo-org", "app", ShaCom),
            new SeededRevision("Internal", ShaGhes, $"https://github.example.com/platform/lib/commit/{ShaGhes}", "msg"),
            SeededRevision.CodeConnections("eu-west-1", SeededRevision.ConnectionArn("eu-west-1", TestEvents.Account, "ghes-conn"), "platform/tools", ShaGhes,
                providerType: "GitHubEnterpriseServer", name: "Tools"),
            new SeededRevision("Elsewhere", ShaOther, $"https://ghe.unknown.example/x/y/commit/{ShaOther}", "msg"));
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _enterprise.DisposeAsync();
    }

    [Fact]
    public async Task Each_revision_goes_to_its_own_host_with_its_own_credential()
    {
        var response = await _h.PostAsync(TestEvents.Pipeline("SUCCEEDED", pipeline: "mono", executionId: "e1000000-0000-4000-8000-000000000001"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var com = Assert.Single(_h.GitHub.Statuses);
        Assert.Equal(("octo-org/app", ShaCom, TestSecrets.GitHubToken), (com.OwnerRepo, com.Sha, com.Token));
        var ghes = _enterprise.Statuses.OrderBy(s => s.OwnerRepo).ToList();
        Assert.Equal(["platform/lib", "platform/tools"], ghes.Select(s => s.OwnerRepo));
        Assert.All(ghes, s => Assert.Equal(EnterpriseToken, s.Token));
        Assert.All(_enterprise.Requests, r => Assert.StartsWith("/api/v3/", r.PathAndQuery));

        var skipped = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["revisions"]!.AsArray()
            .Single(r => (string?)r!["outcome"] == "skipped")!;
        Assert.Equal("Elsewhere", (string?)skipped["repository"]);
        Assert.Contains("ghe.unknown.example is not configured", (string?)skipped["detail"]);
        Assert.Equal(1, _h.GitHub.RequestCount);
        Assert.Equal(2, _enterprise.RequestCount);
    }
}
