using System.Net;
using System.Text;
using Bridge.Adapters.GitHub;
using Bridge.Tests.Support;

namespace Bridge.Tests.Conformance;

/// <summary>The bridge's create-commit-status request, validated by Prism against api.github.com's OpenAPI description.</summary>
public sealed class GitHubOpenApiConformanceTests(PrismFixture prism) : IClassFixture<PrismFixture>
{
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";

    [Fact]
    public async Task The_bridge_posts_a_status_GitHubs_description_accepts()
    {
        await using var h = await BridgeHarness.StartAsync(o => o.Settings["GitHub:ApiBaseUrl"] = prism.BaseAddress.ToString());
        foreach (var state in new[] { "STARTED", "SUCCEEDED", "FAILED", "STOPPED" })
        {
            // One commit per state, so the ordering ledger lets every one through.
            var sha = Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(state))).ToLowerInvariant();
            var response = await h.PostAsync(TestEvents.Pipeline(state, pipeline: "worker", trigger: TestEvents.GitTrigger(sha)));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK && body.Contains("\"posted\""), $"{state}: {(int)response.StatusCode} {body}");
        }
    }

    [Fact]
    public async Task Prism_rejects_a_body_outside_the_description()
    {
        using var http = new HttpClient { BaseAddress = prism.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"repos/octo-org/worker/statuses/{Sha}")
        {
            Content = new StringContent("""{"state":"done","context":"codepipeline/worker"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", "t");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Without_the_content_type_fix_Octokits_request_would_not_conform()
    {
        // Octokit alone (the app token provider and the health check still go through it) labels its JSON body as a
        // form; the description requires application/json.
        var octokit = GitHubClientFactory.Create(prism.BaseAddress, "t", () => new SocketsHttpHandler());
        var refused = await Assert.ThrowsAnyAsync<Octokit.ApiException>(() => octokit.Repository.Status.Create("octo-org", "worker", Sha,
            new Octokit.NewCommitStatus { State = Octokit.CommitState.Success, Context = "codepipeline/worker", Description = "Pipeline worker succeeded", TargetUrl = "https://example.com/" }));
        Assert.InRange((int)refused.StatusCode, 400, 499);
    }
}
