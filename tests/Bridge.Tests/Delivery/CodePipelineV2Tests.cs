using System.Net;
using System.Text.Json.Nodes;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Delivery;

/// <summary>
/// CodePipeline as V2 pipelines run today, over real HTTP against the loopback fakes, with the events in
/// Fixtures/events (their shapes and sources: Fixtures/README.md).
/// </summary>
public sealed class CodePipelineV2Tests : IAsyncLifetime
{
    private const string Worker = "octo-org/worker";
    private const string WebApp = "octo-org/web-app";
    private const string GoodCommit = "1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e";
    private const string GoodExecution = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c06";
    private const string RollbackExecution = "3c5e7a9b-0d2f-4b4c-8e6a-1f3b5d7f9a05";

    private BridgeHarness _h = null!;

    public async Task InitializeAsync() => _h = await BridgeHarness.StartAsync(o => o.Settings["Statuses:PostStageStatuses"] = "true");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>A CodeConnections GitHub source, with the connection in its older codestar-connections form, as the fixtures name it.</summary>
    private static SeededRevision Connection(string sha) => SeededRevision.CodeConnections(TestEvents.Region,
        SeededRevision.ConnectionArn(TestEvents.Region, TestEvents.Account, "4f1e2d3c-5b6a-4978-8a9b-0c1d2e3f4a5b", "codestar-connections"), Worker, sha, name: "Source");

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(TestEvents.RepoRoot, "tests", "Bridge.Tests", "Fixtures", "events", name));

    private async Task<(HttpStatusCode Status, JsonNode Body)> Post(string fixture) => await Post(Fixture(fixture));

    private async Task<(HttpStatusCode Status, JsonNode Body)> Post(byte[] body)
    {
        using var response = await _h.PostAsync(body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    // 1. Source-stage failure ------------------------------------------------------------------------------------------

    [Fact]
    public async Task An_execution_that_failed_in_its_source_stage_is_answered_no_revisions_at_once_for_every_event()
    {
        _h.CodePipeline.AddExecution(new SeededExecution("worker", "8f0a2c4e-6b8d-4f1a-a3c5-7e9b1d3f5a04", "Failed", Revisions: null, TriggerType: "Webhook"));

        foreach (var fixture in new[] { "source-failure.started.json", "source-failure.failed.json" })
        {
            var (status, body) = await Post(fixture);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("no-revisions", (string?)body["outcome"]);
        }
        // STARTED read the execution once and did not wait for sources that will never come.
        Assert.Equal(2, _h.CodePipeline.RequestCount);
        Assert.Empty(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task An_execution_still_running_without_sources_is_read_again_then_retried_later()
    {
        _h.CodePipeline.AddExecution(new SeededExecution("worker", "8f0a2c4e-6b8d-4f1a-a3c5-7e9b1d3f5a04", "InProgress", Revisions: null, TriggerType: "Webhook"));

        var (status, body) = await Post("source-failure.started.json");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("retry", (string?)body["outcome"]);
        Assert.True(_h.CodePipeline.RequestCount > 1, "the bounded re-read still runs while the execution is in progress");
    }

    // 2. Rollbacks -----------------------------------------------------------------------------------------------------

    private async Task AGoodCommitSucceeded()
    {
        _h.CodePipeline.AddExecution(new SeededExecution("web-app", GoodExecution, "Succeeded", [SeededRevision.GitHubV1("octo-org", "web-app", GoodCommit)]));
        var (status, _) = await Post(TestEvents.Pipeline("SUCCEEDED", "web-app", GoodExecution).Bytes());
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private void TheRollback(string status, bool listsItsSources = true) =>
        _h.CodePipeline.AddExecution(new SeededExecution("web-app", RollbackExecution, status,
            listsItsSources ? [SeededRevision.GitHubV1("octo-org", "web-app", GoodCommit)] : [],
            ExecutionType: "ROLLBACK", TriggerType: "ManualRollback", RollbackTarget: GoodExecution));

    [Fact]
    public async Task A_failed_rollback_reports_on_its_own_context_and_leaves_the_commits_verdict_alone()
    {
        await AGoodCommitSucceeded();
        TheRollback("InProgress");

        Assert.Equal(HttpStatusCode.OK, (await Post("rollback.started.json")).Status);
        var running = _h.GitHub.Latest(WebApp, GoodCommit, "codepipeline/web-app/rollback");
        Assert.Equal(("pending", "Pipeline web-app: rollback to this commit is running"), (running?.State, running?.Description));

        TheRollback("Failed");
        Assert.Equal(HttpStatusCode.OK, (await Post("rollback.failed.json")).Status);

        Assert.Equal("failure", _h.GitHub.Latest(WebApp, GoodCommit, "codepipeline/web-app/rollback")?.State);
        var verdict = Assert.Single(_h.GitHub.For(WebApp, GoodCommit, "codepipeline/web-app"));
        Assert.Equal("success", verdict.State);
    }

    [Fact]
    public async Task A_successful_rollback_whose_execution_lists_no_sources_posts_on_its_targets_commit()
    {
        await AGoodCommitSucceeded();
        TheRollback("Succeeded", listsItsSources: false);

        var (status, body) = await Post("rollback.succeeded.json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("posted", (string?)body["outcome"]);
        var shown = _h.GitHub.Latest(WebApp, GoodCommit, "codepipeline/web-app/rollback");
        Assert.Equal(("success", "Pipeline web-app: rollback to this commit succeeded"), (shown?.State, shown?.Description));
        Assert.Single(_h.GitHub.For(WebApp, GoodCommit, "codepipeline/web-app"));
    }

    [Fact]
    public async Task An_automated_rollback_known_only_from_GetPipelineExecution_is_still_kept_off_the_commits_verdict()
    {
        await AGoodCommitSucceeded();
        _h.CodePipeline.AddExecution(new SeededExecution("web-app", RollbackExecution, "Failed", [SeededRevision.GitHubV1("octo-org", "web-app", GoodCommit)],
            ExecutionType: "ROLLBACK", TriggerType: "AutomatedRollback", RollbackTarget: GoodExecution));

        // A pipeline event without execution-trigger (older event versions) and a stage event of the rollback.
        await Post(TestEvents.Pipeline("FAILED", "web-app", RollbackExecution, time: new DateTimeOffset(2026, 11, 26, 14, 3, 0, TimeSpan.Zero)).Bytes());
        var (stageStatus, stageBody) = await Post("rollback.stage-started.json");

        Assert.Equal("failure", _h.GitHub.Latest(WebApp, GoodCommit, "codepipeline/web-app/rollback")?.State);
        Assert.Equal("success", _h.GitHub.Latest(WebApp, GoodCommit, "codepipeline/web-app")?.State);
        Assert.Equal((HttpStatusCode.OK, "ignored"), (stageStatus, (string?)stageBody["outcome"]));
        Assert.Null(_h.GitHub.Latest(WebApp, GoodCommit, "codepipeline/web-app/Deploy"));
    }

    [Fact]
    public async Task With_rollback_statuses_off_a_rollback_posts_nothing()
    {
        await using var h = await BridgeHarness.StartAsync(o => o.Settings["Statuses:PostRollbackStatuses"] = "false");
        h.CodePipeline.AddExecution(new SeededExecution("web-app", RollbackExecution, "Failed", [SeededRevision.GitHubV1("octo-org", "web-app", GoodCommit)],
            ExecutionType: "ROLLBACK", TriggerType: "ManualRollback", RollbackTarget: GoodExecution));

        using var response = await h.PostAsync(Fixture("rollback.failed.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["outcome"]);
        Assert.Empty(h.GitHub.Statuses);
    }

    // 3. Retries and attempts ------------------------------------------------------------------------------------------

    private const string WorkerSha = "5d41402abc4b2a76b9719d911017c592ae5c3f01";
    private const string WorkerExecution = "2d9c1f4e-7a3b-4c5d-8e9f-0a1b2c3d4e01";

    private void TheWorkerExecution() =>
        _h.CodePipeline.AddExecution(new SeededExecution("worker", WorkerExecution, "InProgress", [SeededRevision.GitHubV1("octo-org", "worker", WorkerSha)]));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_failed_execution_retried_shows_failure_then_pending_then_success(bool withAttempts)
    {
        TheWorkerExecution();
        var t0 = new DateTimeOffset(2026, 11, 26, 16, 0, 0, TimeSpan.Zero);
        var shown = new List<string?>();
        foreach (var (state, attempt, at) in new[] { ("FAILED", 1, 0), ("RESUMED", 2, 40), ("SUCCEEDED", 2, 300) })
        {
            var e = TestEvents.Pipeline(state, "worker", WorkerExecution, time: t0.AddSeconds(at), attempt: attempt);
            // Events from before CodePipeline numbered attempts: only their times show that RESUMED follows FAILED.
            if (!withAttempts && state != "FAILED") e["detail"]!.AsObject().Remove("pipeline-execution-attempt");
            Assert.Equal(HttpStatusCode.OK, (await Post(e.Bytes())).Status);
            shown.Add(_h.GitHub.Latest(Worker, WorkerSha, "codepipeline/worker")?.State);
        }
        Assert.Equal(["failure", "pending", "success"], shown);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stage_retried_within_the_second_it_failed_is_ordered_by_its_retry_time(bool withAttempt)
    {
        TheWorkerExecution();
        await Post("stage-retry.failed.json");
        Assert.Equal("failure", _h.GitHub.Latest(Worker, WorkerSha, "codepipeline/worker/Build")?.State);

        var resumed = JsonNode.Parse(Fixture("stage-retry.resumed.json"))!;
        if (!withAttempt) resumed["detail"]!.AsObject().Remove("pipeline-execution-attempt");
        var (status, body) = await Post(resumed.Bytes());

        Assert.Equal((HttpStatusCode.OK, "posted"), (status, (string?)body["outcome"]));
        Assert.Equal("pending", _h.GitHub.Latest(Worker, WorkerSha, "codepipeline/worker/Build")?.State);
    }

    // 4. Skipped stages ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_skipped_stage_shows_success_skipped_and_closes_its_pending()
    {
        const string sha = "5d41402abc4b2a76b9719d911017c592ae5c3f01";
        _h.CodePipeline.AddExecution(new SeededExecution("worker", "2d9c1f4e-7a3b-4c5d-8e9f-0a1b2c3d4e01", "InProgress", [SeededRevision.GitHubV1("octo-org", "worker", sha)]));
        var started = JsonNode.Parse(Fixture("stage-skipped.json"))!;
        started["detail"]!["state"] = "STARTED";
        started["id"] = Guid.NewGuid().ToString();
        started["time"] = "2026-11-26T15:01:59Z";
        await Post(started.Bytes());

        var (status, _) = await Post("stage-skipped.json");

        Assert.Equal(HttpStatusCode.OK, status);
        var shown = _h.GitHub.Latest(Worker, sha, "codepipeline/worker/Canary");
        Assert.Equal(("success", "Stage Canary of worker was skipped"), (shown?.State, shown?.Description));
    }

    // 5. Triggers ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_webhook_STARTED_is_resolved_through_GetPipelineExecution_and_its_terminal_event_needs_no_AWS_call()
    {
        const string sha = "5d41402abc4b2a76b9719d911017c592ae5c3f01";
        _h.CodePipeline.AddExecution(new SeededExecution("worker", "2d9c1f4e-7a3b-4c5d-8e9f-0a1b2c3d4e01", "InProgress",
            [Connection(sha)], TriggerType: "Webhook"));

        Assert.Equal(HttpStatusCode.OK, (await Post("v2-webhook.started.json")).Status);
        Assert.Equal("pending", _h.GitHub.Latest(Worker, sha, "codepipeline/worker")?.State);
        var awsCalls = _h.CodePipeline.RequestCount + _h.Sts.RequestCount;

        Assert.Equal(HttpStatusCode.OK, (await Post("v2-webhook.succeeded.json")).Status);
        Assert.Equal("success", _h.GitHub.Latest(Worker, sha, "codepipeline/worker")?.State);
        Assert.Equal(awsCalls, _h.CodePipeline.RequestCount + _h.Sts.RequestCount);
    }

    [Fact]
    public async Task A_pull_request_execution_posts_on_the_source_branch_commit()
    {
        const string sourceBranchHead = "c4ca4238a0b923820dcc509a6f75849bc81e728d";
        _h.CodePipeline.AddExecution(new SeededExecution("worker", "4b6d8f0a-1c3e-4a5b-9c7d-2e4f6a8b0c03", "InProgress",
            [Connection(sourceBranchHead)], TriggerType: "WebhookV2"));

        var (status, body) = await Post("pull-request.started.json");

        Assert.Equal((HttpStatusCode.OK, "posted"), (status, (string?)body["outcome"]));
        Assert.Equal("pending", Assert.Single(_h.GitHub.Statuses).State);
        Assert.Equal(sourceBranchHead, _h.GitHub.Statuses[0].Sha);
    }

    [Fact]
    public async Task A_tag_trigger_whose_commit_id_GitHub_refuses_falls_back_to_the_executions_recorded_commit()
    {
        const string tagObject = "9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3", tagged = "e4da3b7fbbce2345d7772b0674a318d5c9f1a2b3";
        _h.GitHub.AddNonCommit(Worker, tagObject);
        _h.CodePipeline.AddExecution(new SeededExecution("worker", "7e1f3a5c-2b4d-4f6e-8a0c-1e3a5c7e9b02", "Succeeded",
            [Connection(tagged)], TriggerType: "Webhook"));

        var (status, body) = await Post("tag-trigger.succeeded.json");

        Assert.Equal((HttpStatusCode.OK, "posted"), (status, (string?)body["outcome"]));
        Assert.Equal("success", _h.GitHub.Latest(Worker, tagged, "codepipeline/worker")?.State);
        Assert.Null(_h.GitHub.Latest(Worker, tagObject, "codepipeline/worker"));
    }

    [Fact]
    public async Task A_tag_trigger_naming_a_commit_needs_no_AWS_call()
    {
        var (status, _) = await Post("tag-trigger.succeeded.json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", _h.GitHub.Latest(Worker, "9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3", "codepipeline/worker")?.State);
        Assert.Equal(0, _h.CodePipeline.RequestCount);
    }
}
