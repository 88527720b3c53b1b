using System.Net;
using Bridge.Core.Handling;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.Aws;

/// <summary>
/// Role credentials over real HTTP against the STS fake: one session per role whatever the event's account, refreshed
/// once and early, and every STS failure (slow, garbage) answered inside the request budget as a retry.
/// </summary>
public sealed class RoleSessionTests : IAsyncLifetime
{
    private const string OtherAccount = "999988887777";
    private const string OtherRole = "arn:aws:iam::999988887777:role/other-account-bridge";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync();
        _h.SeedSampleExecutions();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static System.Text.Json.Nodes.JsonObject Started(string account)
    {
        var e = TestEvents.Pipeline("STARTED");
        e["account"] = account;
        e["resources"] = new System.Text.Json.Nodes.JsonArray($"arn:aws:codepipeline:{TestEvents.Region}:{account}:web-app");
        return e;
    }

    [Fact]
    public async Task One_role_serving_every_account_is_assumed_once_whatever_the_events_account()
    {
        for (var i = 0; i < 12; i++)
        {
            var response = await _h.PostAsync(Started($"{100000000000 + i}"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(12, _h.CodePipeline.RequestCount);
        var call = Assert.Single(_h.Sts.Calls);
        Assert.Equal("codepipeline-github-bridge", call.RoleSessionName);
    }

    [Fact]
    public async Task Credentials_that_arrive_with_little_time_left_are_not_assumed_again_for_every_event()
    {
        _h.Sts.IssuedLifetime = TimeSpan.FromMinutes(6);
        for (var i = 0; i < 5; i++)
        {
            var response = await _h.PostAsync(Started(TestEvents.Account));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.Single(_h.Sts.Calls);
    }

    [Fact]
    public async Task Concurrent_events_needing_a_refresh_share_one_AssumeRole()
    {
        await using var h = await BridgeHarness.StartAsync(o => o.ShareClock(_clock));
        h.SeedSampleExecutions();
        Assert.Equal(HttpStatusCode.OK, (await h.PostAsync(Started(TestEvents.Account))).StatusCode);
        Assert.Single(h.Sts.Calls);

        _clock.Advance(TimeSpan.FromMinutes(58)); // two minutes left: every event needs fresh credentials
        h.Sts.EnqueueFault(Fault.Delay(TimeSpan.FromMilliseconds(300))); // the refresh is held until the clock moves
        var posts = Task.WhenAll(Enumerable.Range(0, 8).Select(i => h.PostAsync(Started($"{200000000000 + i}"))));
        HttpResponseMessage[] responses;
        try
        {
            await h.Sts.WhenHeldAsync(1).WaitAsync(FakeClockRequests.Guard);
            _clock.Advance(TimeSpan.FromMilliseconds(300));
            responses = await posts.WaitAsync(FakeClockRequests.Guard);
        }
        finally
        {
            await FakeClockRequests.RunOutAsync(_clock, posts);
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, h.Sts.Calls.Count);
        Assert.All(h.CodePipeline.Signers.Skip(1), s => Assert.Equal(h.Sts.Calls[1].IssuedAccessKeyId, s.AccessKeyId));
    }

    [Fact]
    public async Task A_slow_STS_is_answered_as_a_retry_within_the_request_budget()
    {
        // On a clock shared by the fake and the bridge: STS holds its answer longer than the upstream budget, and the
        // answer must come once the clock has moved that budget, not later.
        await using var h = await BridgeHarness.StartAsync(o => o.ShareClock(_clock));
        h.SeedSampleExecutions();
        h.Sts.SetFault(Fault.Delay(TimeSpan.FromSeconds(30)));
        var post = h.PostAsync(Started(TestEvents.Account));
        try
        {
            await h.Sts.WhenHeldAsync(1).WaitAsync(FakeClockRequests.Guard);
            _clock.Advance(RequestBudget.Default.Upstream);
            var response = await post.WaitAsync(FakeClockRequests.Guard);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal(0, h.CodePipeline.RequestCount);
            Assert.Equal(1, h.Sts.HeldCount); // cut off by the budget, not by the SDK's own timeout and retries
        }
        finally
        {
            await FakeClockRequests.RunOutAsync(_clock, post);
        }
    }

    [Theory]
    [InlineData("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIA")]
    [InlineData("")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    public async Task A_malformed_STS_answer_is_a_retry(string body)
    {
        _h.Sts.SetFault(FakeSts.Answer200(body));
        var response = await _h.PostAsync(Started(TestEvents.Account));
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, _h.CodePipeline.RequestCount);

        _h.Sts.SetFault(null);
        Assert.Equal(HttpStatusCode.OK, (await _h.PostAsync(Started(TestEvents.Account))).StatusCode);
    }

    [Fact]
    public async Task An_event_naming_another_account_is_looked_up_again_never_answered_from_the_first_accounts_lookup()
    {
        var first = new string('1', 40);
        var second = new string('2', 40);
        _h.CodePipeline.AddExecution("web-app", "8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01", "InProgress", SeededRevision.GitHubV1("octo-org", "web-app", first));
        Assert.Equal(HttpStatusCode.OK, (await _h.PostAsync(Started(TestEvents.Account))).StatusCode);

        // Same pipeline name and execution id, another account: its own GetPipelineExecution, its own answer.
        _h.CodePipeline.AddExecution("web-app", "8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01", "InProgress", SeededRevision.GitHubV1("octo-org", "web-app", second));
        Assert.Equal(HttpStatusCode.OK, (await _h.PostAsync(Started("444455556666"))).StatusCode);
        Assert.Equal(2, _h.CodePipeline.RequestCount);
        Assert.Equal([first, second], _h.GitHub.Statuses.Select(s => s.Sha));
    }

    [Fact]
    public async Task A_mapped_account_gets_its_own_role_and_an_unmapped_one_is_refused_without_a_lookup()
    {
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.RoleArn = null;
            o.Settings[$"Aws:AccountRoleArns:{OtherAccount}"] = OtherRole;
        });
        h.SeedSampleExecutions();
        Assert.Equal(HttpStatusCode.OK, (await h.PostAsync(Started(OtherAccount))).StatusCode);
        var call = Assert.Single(h.Sts.Calls);
        Assert.Equal(OtherRole, call.RoleArn);
        Assert.Equal(call.IssuedAccessKeyId, Assert.Single(h.CodePipeline.Signers).AccessKeyId);

        var refused = await h.PostAsync(Started(TestEvents.Account));
        Assert.Equal((HttpStatusCode)424, refused.StatusCode);
        Assert.Contains($"no role is configured for AWS account {TestEvents.Account}", await refused.Content.ReadAsStringAsync());
        Assert.Equal(1, h.CodePipeline.RequestCount);
        Assert.Single(h.Sts.Calls);
    }
}
