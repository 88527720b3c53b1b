using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>
/// Checks mode (<c>GitHub:Mode</c>) over real HTTP: one check run per commit and execution, updated in place as the
/// execution moves on, ordered like statuses, against a GitHub fake that refuses what GitHub refuses.
/// </summary>
public sealed class CheckRunTests : IAsyncLifetime
{
    private const long AppId = 424242;
    private const long Installation = 9001;
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";
    private const string Repo = "octo-org/worker";
    private const string Execution = "5a7e3b21-9c4d-4e8f-a1b2-c3d4e5f60703";
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private readonly RSA _key = RSA.Create(2048);
    private BridgeHarness _h = null!;

    private Task<BridgeHarness> Start(string mode, Action<HarnessOptions>? more = null) => BridgeHarness.StartAsync(o =>
    {
        o.Settings["GitHub:Token"] = null;
        o.Settings["GitHub:AppId"] = AppId.ToString();
        o.Settings["GitHub:AppPrivateKey"] = _key.ExportRSAPrivateKeyPem();
        o.Settings["GitHub:Mode"] = mode;
        more?.Invoke(o);
    });

    private void Prepare(BridgeHarness h, string checks = "write")
    {
        h.GitHub.RevokeToken(TestSecrets.GitHubToken);
        h.GitHub.RegisterApp(AppId, _key);
        h.GitHub.AddInstallation(Installation, "octo-org", new Dictionary<string, string>
        {
            ["statuses"] = "write",
            ["checks"] = checks,
            ["metadata"] = "read",
        });
    }

    public async Task InitializeAsync()
    {
        _h = await Start("Checks");
        Prepare(_h);
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _key.Dispose();
    }

    private static JsonObject Event(string state, int seconds, string execution = Execution, int attempt = 1, string pipeline = "worker")
    {
        var trigger = TestEvents.GitTrigger(Sha, Repo);
        trigger["author-display-name"] = "Ada | Lovelace"; // a name that could break the summary's table
        return TestEvents.Pipeline(state, pipeline, execution, time: T0.AddSeconds(seconds), startTime: T0, trigger: trigger, attempt: attempt);
    }

    private async Task<JsonNode> Post(JsonObject e, BridgeHarness? h = null)
    {
        using var response = await (h ?? _h).PostAsync(e);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    [Fact]
    public async Task An_execution_is_one_check_run_that_goes_from_in_progress_to_its_conclusion()
    {
        await Post(Event("STARTED", 0));
        var started = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal(("codepipeline/worker", "in_progress", null), (started.Name, started.Status, started.Conclusion));
        Assert.Equal($"{TestEvents.Account}/{TestEvents.Region}/worker/{Execution}", started.ExternalId);
        Assert.Contains($"/executions/{Execution}/timeline", started.DetailsUrl);

        await Post(Event("FAILED", 60));
        await Post(Event("RESUMED", 90, attempt: 2));
        var resumed = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal(("in_progress", null), (resumed.Status, resumed.Conclusion));

        await Post(Event("SUCCEEDED", 300, attempt: 2));
        var done = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal((started.Id, "completed", "success", 3), (done.Id, done.Status, done.Conclusion, done.Updates));
        Assert.Equal("Pipeline worker succeeded", done.Title);
        Assert.Contains("| branch | `main` |", done.Summary);
        Assert.Contains("| by | Ada \\| Lovelace |", done.Summary);
        Assert.Empty(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_finished_run_lists_its_stages_and_the_failing_actions_message_with_one_AWS_call()
    {
        _h.CodePipeline.AddExecution("worker", Execution, "Failed", Bridge.Sandbox.SeededRevision.GitHubV1("octo-org", "worker", Sha));
        _h.CodePipeline.SetActions(Execution,
            new Bridge.Sandbox.SeededAction("Source", "Checkout", "Source", "Succeeded", ExternalId: Sha),
            new Bridge.Sandbox.SeededAction("Build", "Compile", "Build", "Failed", Url: "https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/x", Error: "exit status 2 | see [log]"));

        await Post(Event("STARTED", 0));
        Assert.Equal(0, _h.CodePipeline.RequestCount);
        await Post(Event("FAILED", 60));

        Assert.Equal(1, _h.CodePipeline.RequestCount);
        var summary = Assert.Single(_h.GitHub.CheckRuns).Summary!;
        Assert.Contains("| Source | Checkout | Succeeded | 5 min 0 s |", summary);
        Assert.Contains("| Build | Compile | Failed |", summary);
        Assert.Contains("**Build / Compile failed**: exit status 2 \\| see \\[log]", summary);
        Assert.Contains("([logs](https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/x))", summary);
    }

    [Fact]
    public async Task Without_the_stage_details_the_run_is_still_finished()
    {
        await Post(Event("FAILED", 60)); // the fake has no such pipeline: ListActionExecutions fails

        var run = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal(("completed", "failure"), (run.Status, run.Conclusion));
        Assert.DoesNotContain("Stages and actions", run.Summary);
    }

    [Fact]
    public async Task A_late_STARTED_never_reopens_a_completed_run()
    {
        await Post(Event("SUCCEEDED", 300));
        var body = await Post(Event("STARTED", 0));

        Assert.Equal("stale", (string?)body["revisions"]![0]!["outcome"]);
        var run = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal(("completed", "success", 0), (run.Status, run.Conclusion, run.Updates));
    }

    [Theory]
    [InlineData("STOPPED", "cancelled")]
    [InlineData("CANCELED", "cancelled")]
    [InlineData("SUPERSEDED", "neutral")]
    [InlineData("FAILED", "failure")]
    public async Task Each_terminal_state_has_its_conclusion(string state, string conclusion)
    {
        await Post(Event(state, 60));
        var run = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal(("completed", conclusion), (run.Status, run.Conclusion));
    }

    [Fact]
    public async Task A_newer_execution_gets_a_run_of_its_own_and_an_older_one_arriving_late_gets_none()
    {
        const string newer = "6b8f4c32-0d5e-4f9a-b2c3-d4e5f6a70804";
        await Post(Event("SUCCEEDED", 300));
        await Post(TestEvents.Pipeline("STARTED", "worker", newer, time: T0.AddSeconds(400), startTime: T0.AddSeconds(400), trigger: TestEvents.GitTrigger(Sha, Repo)));
        Assert.Equal(2, _h.GitHub.CheckRuns.Count);

        var late = await Post(Event("FAILED", 350));
        Assert.Equal("stale", (string?)late["revisions"]![0]!["outcome"]);
        Assert.Equal(["success", null], _h.GitHub.CheckRuns.Select(r => r.Conclusion));
    }

    [Fact]
    public async Task Both_mode_writes_the_status_and_the_run()
    {
        await using var h = await Start("Both");
        Prepare(h);

        await Post(Event("SUCCEEDED", 60), h);

        Assert.Equal("success", h.GitHub.Latest(Repo, Sha, "codepipeline/worker")?.State);
        Assert.Equal("success", Assert.Single(h.GitHub.CheckRuns).Conclusion);
    }

    [Fact]
    public async Task An_installation_without_checks_write_is_a_misconfiguration_and_nothing_is_created()
    {
        await using var h = await Start("Checks");
        Prepare(h, checks: "read");

        using var response = await h.PostAsync(Event("STARTED", 0));

        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Empty(h.GitHub.CheckRuns);
    }

    [Fact]
    public async Task Checks_mode_with_a_token_stops_the_app_at_start_naming_the_key()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => BridgeHarness.StartAsync(o => o.Settings["GitHub:Mode"] = "Checks"));
        Assert.Contains("GitHub:Mode is Checks", failure.ToString());
        Assert.DoesNotContain(TestSecrets.GitHubToken, failure.ToString());
    }

    [Fact]
    public async Task A_rollback_reports_on_a_run_of_its_own()
    {
        var rollback = Event("FAILED", 60);
        rollback["detail"]!["execution-trigger"] = new JsonObject { ["trigger-type"] = "ManualRollback" };
        _h.CodePipeline.AddExecution(new Bridge.Sandbox.SeededExecution("worker", Execution, "Failed",
            [Bridge.Sandbox.SeededRevision.GitHubV1("octo-org", "worker", Sha)], ExecutionType: "ROLLBACK", TriggerType: "ManualRollback"));

        await Post(rollback);

        var run = Assert.Single(_h.GitHub.CheckRuns);
        Assert.Equal(("codepipeline/worker/rollback", "failure"), (run.Name, run.Conclusion));
    }

    [Theory]
    [InlineData("""{"name":"n","head_sha":"0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9","status":"done"}""", "is not one of")]
    [InlineData("""{"name":"n","head_sha":"0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9","status":"completed"}""", "\"conclusion\" wasn't supplied")]
    [InlineData("""{"head_sha":"0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9"}""", "\"name\" wasn't supplied")]
    [InlineData("""{"name":"n","head_sha":"0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9","output":{"title":"t"}}""", "\"summary\" wasn't supplied")]
    [InlineData("""{"name":"n","head_sha":"0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9","actions":[{"label":"Retry the failed stage","description":"d","identifier":"retry"}]}""", "maximum is 20")]
    [InlineData("""{"name":"n","head_sha":"nope"}""", "No commit found for SHA")]
    public async Task The_fake_refuses_check_run_bodies_GitHub_refuses(string body, string expected)
    {
        await Post(Event("STARTED", 0)); // the bridge gets an installation token from the fake
        var token = _h.GitHub.IssuedInstallationTokens[0].Token;

        var (status, text) = await Send(HttpMethod.Post, "repos/octo-org/worker/check-runs", body, token);

        Assert.Equal(422, status);
        Assert.Contains(expected, text);
    }

    [Fact]
    public async Task The_fake_lets_only_an_app_write_check_runs_and_only_its_own()
    {
        var body = $$"""{"name":"n","head_sha":"{{Sha}}","status":"in_progress"}""";
        var (status, text) = await Send(HttpMethod.Post, "repos/octo-org/worker/check-runs", body, TestSecrets.GitHubToken, acceptToken: true);
        Assert.Equal((403, true), (status, text.Contains("You must authenticate via a GitHub App.")));

        await Post(Event("STARTED", 0));
        var token = _h.GitHub.IssuedInstallationTokens[0].Token;
        Assert.Equal(404, (await Send(HttpMethod.Patch, "repos/octo-org/worker/check-runs/12345", body, token)).Status);
        Assert.Equal(401, (await Send(HttpMethod.Post, "repos/octo-org/worker/check-runs", body, null)).Status);
    }

    private async Task<(int Status, string Text)> Send(HttpMethod method, string path, string body, string? token, bool acceptToken = false)
    {
        if (acceptToken) _h.GitHub.AcceptToken(token!);
        using var http = new HttpClient { BaseAddress = new Uri(_h.GitHub.ApiAddress.ToString().TrimEnd('/') + "/") };
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)?["message"]?.GetValue<string>() ?? text);
    }
}
