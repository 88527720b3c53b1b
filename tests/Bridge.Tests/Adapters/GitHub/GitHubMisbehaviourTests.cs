using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Bridge.Adapters.GitHub;
using Bridge.Core.Handling;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>
/// "Never lose, duplicate or misdirect a status when an upstream misbehaves", GitHub's rows: each over real HTTP
/// against the strict fake GitHub, through the host's own wiring.
/// </summary>
public sealed class GitHubMisbehaviourTests : IAsyncLifetime
{
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";
    private const string Context = "codepipeline/worker";
    private BridgeHarness _h = null!;

    public async Task InitializeAsync() => _h = await BridgeHarness.StartAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<HttpResponseMessage> Post(string state = "SUCCEEDED", string pipeline = "worker") =>
        _h.PostAsync(TestEvents.Pipeline(state, pipeline: pipeline, trigger: TestEvents.GitTrigger(Sha)));

    private static async Task<string> Describe(HttpResponseMessage r) => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}";

    private static async Task<string?> Outcome(HttpResponseMessage r) =>
        (string?)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["revisions"]?[0]?["outcome"];

    // Row 1: the fake answers like a GitHub Enterprise Server: nothing outside its base path, nothing without credentials.
    [Theory]
    [InlineData("/api/repos/octo-org/worker/statuses/" + Sha)]
    [InlineData("/repos/octo-org/worker/statuses/" + Sha)]
    [InlineData("/x/api/v3/repos/octo-org/worker/statuses/" + Sha)]
    [InlineData("/api/v3/v3/repos/octo-org/worker/statuses/" + Sha)]
    public async Task The_fake_answers_404_outside_its_base_path(string path)
    {
        await using var ghes = new FakeGitHub(pathPrefix: "/api/v3");
        await ghes.StartAsync();
        ghes.AcceptToken(TestSecrets.GitHubToken);
        using var client = new HttpClient { BaseAddress = ghes.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("""{"state":"success"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestSecrets.GitHubToken);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Not Found", (string?)body["message"]);
        Assert.NotNull((string?)body["documentation_url"]);
        Assert.Empty(ghes.Statuses);
    }

    [Theory]
    [InlineData("GET", "/api/v3/repos/octo-org/worker/commits/" + Sha + "/statuses")]
    [InlineData("GET", "/api/v3/user")]
    [InlineData("POST", "/api/v3/repos/octo-org/worker/statuses/" + Sha)]
    [InlineData("GET", "/api/v3/no/such/route")]
    public async Task The_fake_wants_credentials_on_every_route(string method, string path)
    {
        await using var ghes = new FakeGitHub(pathPrefix: "/api/v3");
        await ghes.StartAsync();
        using var client = new HttpClient { BaseAddress = ghes.BaseAddress };
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Requires authentication", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]);
    }

    // Row 3: a 2xx that is not a created status is transient, and nothing is recorded.
    [Theory]
    [InlineData("html200")]
    [InlineData("empty202")]
    public async Task A_2xx_that_is_not_a_created_status_is_transient_and_the_redelivery_posts_it(string fault)
    {
        _h.GitHub.SetFault(fault == "html200" ? FakeGitHub.ProxyHtml200() : FakeGitHub.Accepted202Empty());
        var first = await Post();
        Assert.True(first.StatusCode == HttpStatusCode.ServiceUnavailable, await Describe(first));
        Assert.NotNull(first.Headers.RetryAfter);
        Assert.Empty(_h.GitHub.Statuses);

        _h.GitHub.ClearFaults();
        var redelivery = await Post();
        Assert.True(redelivery.StatusCode == HttpStatusCode.OK, await Describe(redelivery));
        Assert.Equal("posted", await Outcome(redelivery));
        Assert.Equal("success", Assert.Single(_h.GitHub.Statuses).State);
    }

    // Row 9: a 201 whose body cannot be read is still a created status.
    [Fact]
    public async Task A_201_with_an_unreadable_body_counts_as_created()
    {
        _h.GitHub.EnqueueUnreadableCreatedAnswer();
        var first = await Post();
        Assert.True(first.StatusCode == HttpStatusCode.OK, await Describe(first));
        Assert.Equal("posted", await Outcome(first));

        var redelivery = await Post();
        Assert.Contains(await Outcome(redelivery), new[] { "unchanged", "duplicate" });
        Assert.Single(_h.GitHub.Statuses);
    }

    // Row 4: a slow GitHub (the status is created, the answer comes after the attempt timeout) gets one status per delivery.
    [Fact]
    public async Task A_slow_GitHub_gets_at_most_one_status_per_delivery()
    {
        // On a fake clock shared by the fake and the bridge: each held answer is released by moving the clock past
        // the attempt's timeout, never by waiting on the wall clock.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BridgeHarness.StartAsync(o => o.ShareClock(clock));
        h.GitHub.CreateAnswerDelay = TimeSpan.FromSeconds(2);
        for (var delivery = 1; delivery <= 3; delivery++)
        {
            var post = h.PostAsync(TestEvents.Pipeline("SUCCEEDED", pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));
            HttpResponseMessage response;
            try
            {
                var held = h.GitHub.WhenHeldAsync(h.GitHub.HeldCount + 1);
                // A delivery that reaches the create is held there: cut it off. One that does not (already posted) just answers.
                if (await Task.WhenAny(post, held).WaitAsync(FakeClockRequests.Guard) == held)
                    clock.Advance(RequestBudget.Default.Attempt);
                response = await post.WaitAsync(FakeClockRequests.Guard);
            }
            finally
            {
                await FakeClockRequests.RunOutAsync(clock, post);
            }

            var created = h.GitHub.For("octo-org/worker", Sha, Context).Count;
            Assert.True(created <= 1, $"delivery {delivery}: {created} statuses created, answer {await Describe(response)}");
        }

        Assert.Single(h.GitHub.Statuses);
        Assert.True(h.GitHub.HeldCount >= 1, "the slow answer was never reached");
    }

    // Row 5: a renamed repository: the redirect on the same host is followed with the credential, POST staying POST.
    [Fact]
    public async Task A_renamed_repository_is_followed_on_the_same_host_with_the_credential()
    {
        _h.GitHub.RenameRepository("octo-org/worker", "octo-org/worker-renamed");
        var response = await Post();
        Assert.True(response.StatusCode == HttpStatusCode.OK, await Describe(response));
        var status = Assert.Single(_h.GitHub.Statuses);
        Assert.Equal("worker-renamed", status.Repo);
        Assert.All(_h.GitHub.Requests, r => Assert.Equal("POST", r.Method));
        Assert.All(_h.GitHub.Requests, r => Assert.Equal($"Bearer {TestSecrets.GitHubToken}", r.Header("Authorization")));
    }

    [Fact]
    public async Task A_redirect_to_another_host_gets_no_credential_and_is_a_clear_misconfiguration()
    {
        await using var elsewhere = new FakeGitHub();
        await elsewhere.StartAsync();
        var location = new Uri(new Uri($"http://localhost:{elsewhere.BaseAddress.Port}/"), $"repos/octo-org/worker/statuses/{Sha}");
        _h.GitHub.SetFault(FakeGitHub.RedirectTo(location));
        var response = await Post();
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("redirect", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("localhost", text, StringComparison.Ordinal);
        Assert.DoesNotContain(TestSecrets.GitHubToken, text, StringComparison.Ordinal);
        Assert.All(elsewhere.Requests, r => Assert.Null(r.Header("Authorization")));
    }

    // Row 7: a far-future wait is capped at an hour, in the answer and in the token's block.
    [Fact]
    public async Task A_day_long_retry_after_blocks_the_token_for_at_most_an_hour()
    {
        _h.GitHub.EnqueueFault(FakeGitHub.RateLimit429(86_400));
        var first = await Post();
        Assert.Equal((HttpStatusCode)429, first.StatusCode);
        Assert.InRange(first.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);

        var clock = new FakeTimeProvider();
        var gate = new GitHubRateGate(clock, 10, 80, 500);
        gate.BlockFor("lane", TimeSpan.FromDays(1));
        Assert.InRange(gate.Blocked("lane")!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(gate.Blocked("lane"));
    }

    // Row 8: GitHub's secondary limit is also 500 content-creating requests an hour.
    [Fact]
    public async Task The_hours_write_budget_binds_like_the_minutes()
    {
        await using var h = await BridgeHarness.StartAsync(o => o.Settings["GitHub:MaxWritesPerHour"] = "2");
        var answers = new List<HttpResponseMessage>();
        foreach (var pipeline in new[] { "a", "b", "c" })
            answers.Add(await h.PostAsync(TestEvents.Pipeline("SUCCEEDED", pipeline: pipeline, trigger: TestEvents.GitTrigger(Sha))));
        Assert.Equal(HttpStatusCode.OK, answers[0].StatusCode);
        Assert.Equal(HttpStatusCode.OK, answers[1].StatusCode);
        Assert.True(answers[2].StatusCode == (HttpStatusCode)429, await Describe(answers[2]));
        Assert.InRange(answers[2].Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
        Assert.Equal(2, h.GitHub.Statuses.Count);
    }

    [Fact]
    public async Task The_hours_budget_refills_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider();
        var gate = new GitHubRateGate(clock, 10, maxPerMinute: 100, maxPerHour: 2);
        Assert.NotNull((await gate.EnterAsync("lane", CancellationToken.None)).Slot);
        Assert.NotNull((await gate.EnterAsync("lane", CancellationToken.None)).Slot);
        var (slot, wait) = await gate.EnterAsync("lane", CancellationToken.None);
        Assert.Null(slot);
        Assert.InRange(wait!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.NotNull((await gate.EnterAsync("lane", CancellationToken.None)).Slot);
    }

    // Row 16: an API reached through another name without GitHub:Host skips every revision: say so at start-up.
    [Fact]
    public async Task An_API_name_that_is_no_web_host_is_warned_about_at_start_up()
    {
        await using var h = await BridgeHarness.StartAsync(o => o.Settings["GitHub:Host"] = null);
        Assert.Equal(["127.0.0.1"], h.App.Services.GetRequiredService<GitHubHosts>().WebHosts());
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning
            && r.Message.Contains("GitHub:Host", StringComparison.Ordinal) && r.Message.Contains("127.0.0.1", StringComparison.Ordinal));
    }
}
