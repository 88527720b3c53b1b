using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Core.Checks;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>
/// The buttons of checks mode over real HTTP: GitHub's signed check_run webhooks to /api/github-webhooks, the bridge's
/// calls to CodePipeline, and every way a delivery can be refused without a call to AWS or GitHub.
/// </summary>
public sealed class GitHubWebhookTests : IAsyncLifetime
{
    private const long AppId = 424242;
    private const string Secret = "webhook-s3cret";
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";
    private const string Repo = "octo-org/worker";
    private const string Execution = "5a7e3b21-9c4d-4e8f-a1b2-c3d4e5f60703";
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly RSA _key = RSA.Create(2048);
    private BridgeHarness _h = null!;

    private Task<BridgeHarness> Start(bool allowRerun = true) => BridgeHarness.StartAsync(o =>
    {
        o.Settings["GitHub:Token"] = null;
        o.Settings["GitHub:AppId"] = AppId.ToString();
        o.Settings["GitHub:AppPrivateKey"] = _key.ExportRSAPrivateKeyPem();
        o.Settings["GitHub:Mode"] = "Checks";
        o.Settings["GitHub:WebhookSecret"] = Secret;
        o.Settings["Checks:AllowRerun"] = allowRerun ? "true" : "false";
    });

    private void Prepare(BridgeHarness h)
    {
        h.GitHub.RevokeToken(TestSecrets.GitHubToken);
        h.GitHub.RegisterApp(AppId, _key);
        h.GitHub.AddInstallation(9001, "octo-org", new Dictionary<string, string> { ["checks"] = "write", ["metadata"] = "read" });
        h.CodePipeline.AddExecution("worker", Execution, "Failed", SeededRevision.GitHubV1("octo-org", "worker", Sha));
        h.CodePipeline.SetActions(Execution,
            new SeededAction("Source", "Checkout", "Source", "Succeeded", ExternalId: Sha),
            new SeededAction("Build", "Compile", "Build", "Failed", Summary: "Build failed", Url: "https://console.aws.amazon.com/codebuild/x", Error: "exit status 2"));
    }

    public async Task InitializeAsync()
    {
        _h = await Start();
        Prepare(_h);
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _key.Dispose();
    }

    private static JsonObject Event(string state, int seconds, int attempt = 1) =>
        TestEvents.Pipeline(state, "worker", Execution, time: T0.AddSeconds(seconds), startTime: T0, trigger: TestEvents.GitTrigger(Sha, Repo), attempt: attempt);

    private static JsonObject CheckRunEvent(string action, long appId = AppId, string externalId = $"{TestEvents.Account}/{TestEvents.Region}/worker/{Execution}") => new()
    {
        ["action"] = action,
        ["check_run"] = new JsonObject
        {
            ["id"] = 4_000_000_001,
            ["name"] = "codepipeline/worker",
            ["head_sha"] = Sha,
            ["external_id"] = externalId,
            ["status"] = "completed",
            ["conclusion"] = "failure",
            ["app"] = new JsonObject { ["id"] = appId, ["slug"] = "bridge-app" },
        },
        ["requested_action"] = action == "requested_action" ? new JsonObject { ["identifier"] = GitHubWebhookHandler.RetryFailedStage } : null,
        ["repository"] = new JsonObject { ["full_name"] = Repo },
        ["sender"] = new JsonObject { ["login"] = "ada" },
    };

    private async Task<(HttpStatusCode Status, string Outcome)> Click(long runId, string action, string? identifier, string delivery)
    {
        using var response = await _h.GitHub.DeliverCheckRunEventAsync(new Uri(_h.Client.BaseAddress!, "api/github-webhooks"), Secret, runId, action, identifier, delivery);
        return (response.StatusCode, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["outcome"] ?? "");
    }

    private async Task<(HttpStatusCode Status, string Outcome)> Deliver(JsonObject payload, string delivery, string? signature = "sign", string githubEvent = "check_run", BridgeHarness? h = null)
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github-webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", githubEvent);
        request.Headers.Add("X-GitHub-Delivery", delivery);
        if (signature is not null) request.Headers.Add("X-Hub-Signature-256", signature == "sign" ? WebhookSignature.For(Secret, body) : signature);
        using var response = await (h ?? _h).Client.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, (string?)answer["outcome"] ?? (string?)answer["title"] ?? "");
    }

    [Fact]
    public async Task Failed_then_retried_from_GitHub_then_succeeded_is_one_run_and_one_retry()
    {
        await _h.PostAsync(Event("STARTED", 0));
        await _h.PostAsync(Event("FAILED", 60));
        var failed = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal("failure", failed.Conclusion);

        // GitHub (the fake) delivers the click, signed, twice: a redelivery of the same delivery id.
        Assert.Equal((HttpStatusCode.OK, "retried"), await Click(failed.Id, "requested_action", GitHubWebhookHandler.RetryFailedStage, "d-1"));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), await Click(failed.Id, "requested_action", GitHubWebhookHandler.RetryFailedStage, "d-1"));
        Assert.Equal(("worker", "Build", Execution, "FAILED_ACTIONS"), Assert.Single(_h.CodePipeline.Retries));

        await _h.PostAsync(Event("RESUMED", 90, attempt: 2));
        Assert.Equal(("in_progress", null), (_h.GitHub.CheckRuns[0].Status, _h.GitHub.CheckRuns[0].Conclusion));
        await _h.PostAsync(Event("SUCCEEDED", 300, attempt: 2));
        var done = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal((failed.Id, "success"), (done.Id, done.Conclusion));
    }

    [Fact]
    public async Task A_failed_run_offers_the_retry_button_only_when_re_runs_are_allowed()
    {
        await _h.PostAsync(Event("FAILED", 60));
        Assert.Contains(_h.GitHub.Requests, r => r.PathAndQuery.EndsWith("/check-runs", StringComparison.Ordinal) && r.Body.Contains(GitHubWebhookHandler.RetryFailedStage, StringComparison.Ordinal));

        await using var off = await Start(allowRerun: false);
        Prepare(off);
        await off.PostAsync(Event("FAILED", 60));
        Assert.DoesNotContain(off.GitHub.Requests, r => r.Body.Contains(GitHubWebhookHandler.RetryFailedStage, StringComparison.Ordinal));
        var calls = off.CodePipeline.RequestCount;
        Assert.Equal((HttpStatusCode.OK, "ignored"), await Deliver(CheckRunEvent("requested_action"), "d-9", h: off));
        Assert.Equal(calls, off.CodePipeline.RequestCount);
    }

    [Fact]
    public async Task Re_run_starts_the_pipeline_on_the_runs_commit_once_per_delivery()
    {
        await _h.PostAsync(Event("FAILED", 60));
        var run = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal((HttpStatusCode.OK, "started"), await Click(run.Id, "rerequested", null, "d-2"));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), await Click(run.Id, "rerequested", null, "d-2"));

        var start = Assert.Single(_h.CodePipeline.Starts);
        Assert.Equal(("worker", "Checkout", "COMMIT_ID", Sha), (start.Pipeline, start.Action, start.RevisionType, start.Revision));
    }

    [Fact]
    public async Task A_V1_pipeline_is_started_only_while_its_source_head_is_still_the_runs_commit()
    {
        _h.CodePipeline.SetPipelineType("worker", "V1");
        _h.CodePipeline.SetSourceHead("worker", "Checkout", "1111111111111111111111111111111111111111");
        await _h.PostAsync(Event("FAILED", 60));
        var run = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal((HttpStatusCode.OK, "not-rerun"), await Click(run.Id, "rerequested", null, "d-3"));
        Assert.Empty(_h.CodePipeline.Starts);
        // The run says why, where the person who clicked Re-run looks; it stays failed.
        var answered = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal(("Re-run not started", "failure"), (answered.Title, answered.Conclusion));
        Assert.Contains("no longer 0f3c9a7e", answered.Summary);

        _h.CodePipeline.SetSourceHead("worker", "Checkout", Sha);
        Assert.Equal((HttpStatusCode.OK, "started"), await Deliver(CheckRunEvent("rerequested"), "d-4"));
        var start = Assert.Single(_h.CodePipeline.Starts);
        Assert.Equal(("worker", ""), (start.Pipeline, start.Action)); // no override: the source builds its head
    }

    public static TheoryData<string, string?, long, string, HttpStatusCode, string> Refused => new()
    {
        { "unsigned", null, AppId, $"{TestEvents.Account}/{TestEvents.Region}/worker/{Execution}", HttpStatusCode.Unauthorized, "unauthorized" },
        { "wrongly signed", "sha256=" + new string('0', 64), AppId, $"{TestEvents.Account}/{TestEvents.Region}/worker/{Execution}", HttpStatusCode.Unauthorized, "unauthorized" },
        { "signed with another secret", WebhookSignature.For("other", "{}"u8), AppId, $"{TestEvents.Account}/{TestEvents.Region}/worker/{Execution}", HttpStatusCode.Unauthorized, "unauthorized" },
        { "malformed signature", "sha1=abc", AppId, $"{TestEvents.Account}/{TestEvents.Region}/worker/{Execution}", HttpStatusCode.Unauthorized, "unauthorized" },
        { "another app's run", "sign", 777, $"{TestEvents.Account}/{TestEvents.Region}/worker/{Execution}", HttpStatusCode.OK, "ignored" },
        { "a run the bridge did not create", "sign", AppId, "ci-build-1234", HttpStatusCode.OK, "ignored" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Deliveries_the_bridge_must_not_act_on_make_no_upstream_call(string why, string? signature, long appId, string externalId, HttpStatusCode status, string outcome)
    {
        var before = _h.UpstreamRequestCount;

        var answer = await Deliver(CheckRunEvent("requested_action", appId, externalId), $"d-{why}", signature);

        Assert.Equal((status, outcome), answer);
        Assert.Equal(before, _h.UpstreamRequestCount);
        Assert.Empty(_h.CodePipeline.Retries);
    }

    [Fact]
    public async Task A_ping_is_answered_and_other_events_are_ignored()
    {
        Assert.Equal((HttpStatusCode.OK, "pong"), await Deliver(new JsonObject { ["zen"] = "Keep it simple." }, "d-ping", githubEvent: "ping"));
        Assert.Equal((HttpStatusCode.OK, "ignored"), await Deliver(new JsonObject { ["action"] = "opened" }, "d-pr", githubEvent: "pull_request"));
    }
}
