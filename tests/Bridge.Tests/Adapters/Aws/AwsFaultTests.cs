using System.Net;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.Aws;

/// <summary>STS and CodePipeline answers on the wire, and what they become for EventBridge.</summary>
public sealed class AwsFaultTests : IAsyncLifetime
{
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync(o => o.Settings["Aws:AccountRoleArns:999988887777"] = "arn:aws:iam::999988887777:role/other-account-bridge");
        _h.SeedSampleExecutions();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<HttpResponseMessage> Started() => _h.PostSampleAsync("01-web-app.github-v1.started.json");

    [Fact]
    public async Task Credentials_are_assumed_once_and_reused_across_events()
    {
        for (var i = 0; i < 5; i++)
        {
            var e = TestEvents.Pipeline("STARTED", executionId: $"8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a0{i}");
            _h.CodePipeline.AddExecution("web-app", $"8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a0{i}", "InProgress",
                SeededRevision.GitHubV1("octo-org", "web-app", $"{i}".PadLeft(40, 'b')));
            Assert.Equal(HttpStatusCode.OK, (await _h.PostAsync(e)).StatusCode);
        }
        Assert.Single(_h.Sts.Calls);
        Assert.Equal(5, _h.CodePipeline.RequestCount);
    }

    [Fact]
    public async Task The_role_follows_the_events_account()
    {
        var e = TestEvents.Pipeline("STARTED");
        e["account"] = "999988887777";
        await _h.PostAsync(e);
        Assert.Equal("arn:aws:iam::999988887777:role/other-account-bridge", Assert.Single(_h.Sts.Calls).RoleArn);
    }

    [Fact]
    public async Task A_passing_CodePipeline_throttle_is_retried()
    {
        _h.CodePipeline.EnqueueFault(FakeCodePipeline.Throttling());
        Assert.Equal(HttpStatusCode.OK, (await Started()).StatusCode);
        Assert.Equal(2, _h.CodePipeline.RequestCount);
    }

    [Fact]
    public async Task A_lasting_CodePipeline_throttle_asks_EventBridge_to_retry()
    {
        _h.CodePipeline.SetFault(FakeCodePipeline.Throttling());
        var response = await Started();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, _h.GitHub.RequestCount);
    }

    [Fact]
    public async Task CodePipeline_access_denied_goes_to_the_dead_letter_queue()
    {
        _h.CodePipeline.SetFault(FakeCodePipeline.AccessDenied());
        var response = await Started();
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("GetPipelineExecution", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_lasting_STS_throttle_asks_EventBridge_to_retry()
    {
        _h.Sts.SetFault(FakeSts.Throttling());
        var response = await Started();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, _h.CodePipeline.RequestCount + _h.GitHub.RequestCount);
    }

    [Fact]
    public async Task An_STS_outage_that_passes_lets_redelivery_succeed()
    {
        _h.Sts.SetFault(FakeSts.ServiceUnavailable());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Started()).StatusCode);
        _h.Sts.SetFault(null);
        Assert.Equal(HttpStatusCode.OK, (await Started()).StatusCode);
        Assert.Single(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_role_STS_refuses_is_a_misconfiguration()
    {
        _h.Sts.AllowRole("arn:aws:iam::111122223333:role/some-other-role");
        var response = await Started();
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("AssumeRole failed", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_account_without_a_role_is_refused_clearly_when_roles_are_per_account()
    {
        await using var h = await BridgeHarness.StartAsync(o =>
        {
            o.RoleArn = null;
            o.Settings["Aws:AccountRoleArns:999988887777"] = "arn:aws:iam::999988887777:role/bridge";
        });
        var response = await h.PostAsync(TestEvents.Pipeline("STARTED"));
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("no role is configured for AWS account 111122223333", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, h.UpstreamRequestCount);
    }
}
