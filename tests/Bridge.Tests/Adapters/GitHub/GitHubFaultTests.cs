using System.Net;
using System.Text.Json.Nodes;
using Bridge.Core.Handling;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>GitHub's faults as the fake serves them on the wire, and what the bridge answers EventBridge.</summary>
public sealed class GitHubFaultTests : IAsyncLifetime
{
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";
    private BridgeHarness _h = null!;

    public async Task InitializeAsync() => _h = await BridgeHarness.StartAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<HttpResponseMessage> Post(string state = "SUCCEEDED") =>
        _h.PostAsync(TestEvents.Pipeline(state, pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task A_passing_server_error_is_retried_and_the_status_lands(int status)
    {
        _h.GitHub.EnqueueFault(FakeGitHub.ServerError(status));
        var response = await Post();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _h.GitHub.RequestCount);
        Assert.Single(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_lasting_server_error_asks_EventBridge_to_retry()
    {
        _h.GitHub.SetFault(FakeGitHub.ServerError(502));
        var response = await Post();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.InRange(_h.GitHub.RequestCount, 2, 4);
        Assert.Empty(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_connection_reset_is_retried()
    {
        _h.GitHub.EnqueueFault(Fault.ConnectionReset);
        Assert.Equal(HttpStatusCode.OK, (await Post()).StatusCode);
        Assert.Single(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_slow_answer_is_cut_off_and_retried()
    {
        // On a fake clock shared by the fake and the bridge: the attempt's timeout fires when the clock says so.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BridgeHarness.StartAsync(o => o.ShareClock(clock));
        h.GitHub.EnqueueFault(Fault.Delay(TimeSpan.FromSeconds(10)));
        var post = h.PostAsync(TestEvents.Pipeline("SUCCEEDED", pipeline: "worker", trigger: TestEvents.GitTrigger(Sha)));
        try
        {
            await h.GitHub.WhenHeldAsync(1).WaitAsync(FakeClockRequests.Guard);
            clock.Advance(RequestBudget.Default.Attempt);

            var response = await post.WaitAsync(FakeClockRequests.Guard);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Single(h.GitHub.Statuses);
            Assert.Equal(1, h.GitHub.HeldCount); // the one slow answer, cut off after one attempt's time; the second try was not held
        }
        finally
        {
            await FakeClockRequests.RunOutAsync(clock, post);
        }
    }

    [Fact]
    public async Task A_429_with_retry_after_goes_back_to_EventBridge_and_GitHub_is_left_alone_meanwhile()
    {
        _h.GitHub.EnqueueFault(FakeGitHub.RateLimit429(120));
        var first = await Post();
        Assert.Equal((HttpStatusCode)429, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), first.Headers.RetryAfter?.Delta);
        Assert.Equal(1, _h.GitHub.RequestCount);

        var second = await _h.PostAsync(TestEvents.Pipeline("STARTED", pipeline: "other", trigger: TestEvents.GitTrigger(Sha, "octo-org/other")));
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.InRange(second.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 120);
        Assert.Equal(1, _h.GitHub.RequestCount); // nothing more was sent with that token
    }

    [Fact]
    public async Task A_secondary_limit_without_retry_after_waits_at_least_a_minute()
    {
        _h.GitHub.EnqueueFault(FakeGitHub.SecondaryRateLimit403());
        var response = await Post();
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_secondary_limit_with_retry_after_honours_it()
    {
        _h.GitHub.EnqueueFault(FakeGitHub.SecondaryRateLimit403(37));
        var response = await Post();
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(37), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task An_exhausted_primary_limit_waits_until_the_reset()
    {
        _h.GitHub.EnqueueFault(FakeGitHub.PrimaryRateLimit403(DateTimeOffset.UtcNow.AddSeconds(300)));
        var response = await Post();
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 290, 301);
    }

    [Fact]
    public async Task A_short_retry_after_is_waited_out_within_the_request()
    {
        _h.GitHub.EnqueueFault(FakeGitHub.RateLimit429(1));
        Assert.Equal(HttpStatusCode.OK, (await Post()).StatusCode);
        Assert.Single(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_422_is_reported_with_GitHubs_message_and_not_retried()
    {
        var response = await _h.PostAsync(TestEvents.Pipeline("FAILED", pipeline: "p" + new string('x', 99), trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // our description is truncated, so GitHub accepts it
        _h.GitHub.EnqueueFault(Fault.Respond(422, """{"message":"Validation Failed","errors":[{"resource":"Status","code":"custom","message":"This SHA and context has reached the maximum number of statuses."}],"documentation_url":"https://docs.github.com/rest"}"""));
        var rejected = await Post();
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var revision = JsonNode.Parse(await rejected.Content.ReadAsStringAsync())!["revisions"]![0]!;
        Assert.Equal("rejected", (string?)revision["outcome"]);
        Assert.Contains("maximum number of statuses", (string?)revision["detail"]);
        Assert.Contains(_h.Logs.GetSnapshot(), r => r.Message.Contains("maximum number of statuses"));
    }

    [Fact]
    public async Task A_repository_the_token_cannot_see_is_a_misconfiguration()
    {
        _h.GitHub.AllowRepository("octo-org/something-else");
        var response = await Post();
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("not visible to the token", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_revoked_token_is_a_misconfiguration_after_one_fresh_read()
    {
        _h.GitHub.RevokeToken(TestSecrets.GitHubToken);
        var response = await Post();
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("401", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_status_request_carries_GitHubs_recommended_headers()
    {
        await Post();
        var request = Assert.Single(_h.GitHub.Requests);
        Assert.Equal($"Bearer {TestSecrets.GitHubToken}", request.Header("Authorization"));
        Assert.StartsWith("application/vnd.github+json", request.Header("Accept"));
        Assert.Equal("2022-11-28", request.Header("X-GitHub-Api-Version"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.Contains("codepipeline-github-bridge", request.Header("User-Agent"));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("success", (string?)body["state"]);
        Assert.Equal("codepipeline/worker", (string?)body["context"]);
    }

    [Fact]
    public async Task Statuses_for_the_revisions_of_one_event_are_posted_concurrently()
    {
        var shas = Enumerable.Range(0, 6).Select(i => $"{i:x}".PadLeft(40, 'a')).ToArray();
        var revisions = shas.Select((s, i) => SeededRevision.GitHubV1("octo-org", $"repo{i}", s)).ToArray();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await BridgeHarness.StartAsync(o => o.ShareClock(clock));
        h.CodePipeline.AddExecution("fanout", "e0000000-0000-4000-8000-000000000001", "InProgress", revisions);
        h.GitHub.SetFault(Fault.Delay(TimeSpan.FromMilliseconds(300)));
        var post = h.PostAsync(TestEvents.Pipeline("SUCCEEDED", pipeline: "fanout", executionId: "e0000000-0000-4000-8000-000000000001"));
        try
        {
            // All six are held by the slow GitHub at the same moment of the fake clock: sequential posting would hold
            // one at a time (the next one only after the clock moved), so this would never complete.
            await h.GitHub.WhenHeldAsync(6).WaitAsync(FakeClockRequests.Guard);
            clock.Advance(TimeSpan.FromMilliseconds(300));
            var response = await post.WaitAsync(FakeClockRequests.Guard);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(6, h.GitHub.Statuses.Count);
        }
        finally
        {
            await FakeClockRequests.RunOutAsync(clock, post);
        }
    }
}
