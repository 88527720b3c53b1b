using System.Net;
using System.Text;
using Bridge.Adapters.GitHub;
using Bridge.Tests.Support;

namespace Bridge.Tests.Conformance;

/// <summary>
/// The bridge's create-commit-status request and its check-run create and update requests, validated by Prism against
/// api.github.com's OpenAPI description.
/// </summary>
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

    [Theory]
    [InlineData("in_progress", null)]
    [InlineData("completed", "success")]
    [InlineData("completed", "neutral")]
    public async Task The_bridge_creates_and_updates_check_runs_GitHubs_description_accepts(string status, string? conclusion)
    {
        // The publisher is what checks mode writes through; Prism checks the bodies, not who sends them.
        var publisher = new OctokitStatusPublisher(new PatTokenProvider(new Bridge.Adapters.KeyVault.ConfiguredSecret("test token", "t0ken")), prism.BaseAddress,
            () => new JsonContentTypeHandler { InnerHandler = new SocketsHttpHandler() }, new GitHubRateGate(TimeProvider.System, 4, 1000), TimeProvider.System);
        var run = new Bridge.Core.Checks.CheckRun("codepipeline/worker", "111122223333/eu-west-1/worker/5a7e3b21-9c4d-4e8f-a1b2-c3d4e5f60703",
            status, conclusion, "Pipeline worker succeeded", "**Pipeline worker succeeded**\n\n| | |\n|---|---|\n| branch | `main` |\n",
            "https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/worker/executions/x/timeline?region=eu-west-1",
            new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), conclusion is null ? null : new DateTimeOffset(2026, 11, 26, 9, 5, 0, TimeSpan.Zero));
        var revision = new Bridge.Core.Revisions.GitHubRevision("github.com", "octo-org", "worker", Sha);

        var created = await publisher.PublishAsync(revision, run, null, CancellationToken.None);
        var updated = await publisher.PublishAsync(revision, run, 4, CancellationToken.None);

        Assert.True(created.Failure is null && created.RunId is > 0, $"create: {created}");
        Assert.True(updated.Failure is null && updated.RunId is > 0, $"update: {updated}");
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
