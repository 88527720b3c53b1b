using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;
using Bridge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Core.Handling;

/// <summary>The handler's decisions, with the ports played by small in-process doubles (the adapters have their own wire-level tests).</summary>
public class PipelineEventHandlerTests
{
    private const string Sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    private const string Sha2 = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly ScriptedSource _source = new();
    private readonly RecordingPublisher _publisher = new();
    private readonly DictionaryCache _cache = new();
    private readonly InMemoryStatusLedger _ledger = new();
    private readonly HandlerOptions _options = new();

    private PipelineEventHandler? _handler;

    /// <summary>One handler per test, as the hosts keep one for the process.</summary>
    private PipelineEventHandler Handler() => _handler ??=
        new(new CommitFinder(_source, _cache, new RevisionResolver(), _options.Budget, _time), new StatusSlot(_ledger, _options.Budget, _time),
            _publisher, _options, _time, NullLogger<PipelineEventHandler>.Instance);

    private Task<EventResult> Handle(JsonObject e) => Handler().HandleAsync(e.Bytes(), CancellationToken.None);

    private static ArtifactRevision GitHubV1(string repo, string sha) => new("src", sha, $"https://github.com/{repo}/commit/{sha}", "msg");

    [Fact]
    public async Task The_trigger_names_the_commit_without_any_AWS_call()
    {
        var result = await Handle(TestEvents.Pipeline("SUCCEEDED", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(0, _source.Calls);
        var posted = Assert.Single(_publisher.Posted);
        Assert.Equal(("octo-org/worker", Sha, CommitState.Success), (posted.Revision.FullName, posted.Revision.Sha, posted.Status.State));
    }

    [Fact]
    public async Task The_ledger_remembers_where_to_ask_about_the_execution()
    {
        await Handle(TestEvents.Pipeline("STARTED", trigger: TestEvents.GitTrigger(Sha)));
        var row = await _ledger.ReadAsync(new StatusKey("github.com", "octo-org/worker", Sha, "codepipeline/web-app"), default);
        Assert.Equal(new ExecutionRef(TestEvents.Account, TestEvents.Region, "web-app", "8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01"), row.Last!.Execution());
        Assert.False(row.Last.Ended);
    }

    [Fact]
    public async Task Later_events_of_an_execution_reuse_what_the_first_resolved()
    {
        _source.Always([GitHubV1("o/app", Sha)]);
        await Handle(TestEvents.Pipeline("STARTED"));
        await Handle(TestEvents.Pipeline("SUCCEEDED", time: new DateTimeOffset(2026, 11, 26, 9, 5, 0, TimeSpan.Zero)));
        Assert.Equal(1, _source.Calls);
        Assert.Equal([CommitState.Pending, CommitState.Success], _publisher.Posted.Select(p => p.Status.State));
    }

    [Fact]
    public async Task Events_of_one_execution_arriving_together_share_one_lookup()
    {
        var release = new TaskCompletionSource<IReadOnlyList<ArtifactRevision>>();
        _source.Gate = release.Task;
        var started = Handle(TestEvents.Pipeline("STARTED"));
        var succeeded = Handle(TestEvents.Pipeline("SUCCEEDED", time: new DateTimeOffset(2026, 11, 26, 9, 5, 0, TimeSpan.Zero)));
        release.SetResult([GitHubV1("o/app", Sha)]);
        await Task.WhenAll(started, succeeded);
        Assert.Equal(1, _source.Calls);
        Assert.Equal(CommitState.Success, _publisher.Posted.Last().Status.State);
    }

    [Fact]
    public async Task One_caller_going_away_does_not_fail_the_others_sharing_its_lookup()
    {
        var release = new TaskCompletionSource<IReadOnlyList<ArtifactRevision>>();
        _source.Gate = release.Task;
        using var disconnected = new CancellationTokenSource();
        var first = Handler().HandleAsync(TestEvents.Pipeline("STARTED").Bytes(), disconnected.Token);
        var second = Handle(TestEvents.Pipeline("SUCCEEDED", time: new DateTimeOffset(2026, 11, 26, 9, 5, 0, TimeSpan.Zero)));
        disconnected.Cancel();
        release.SetResult([GitHubV1("o/app", Sha)]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var result = await second;
        Assert.Equal(Outcome.Posted, result.Outcome);
        Assert.Equal(1, _source.Calls);
    }

    [Fact]
    public async Task An_event_naming_another_account_is_never_answered_from_this_accounts_lookup()
    {
        _source.Always([GitHubV1("o/app", Sha)]);
        await Handle(TestEvents.Pipeline("STARTED"));
        var other = TestEvents.Pipeline("STARTED");
        other["account"] = "444455556666";
        await Handle(other);
        Assert.Equal(2, _source.Calls);
    }

    [Fact]
    public async Task Every_GitHub_source_gets_a_status_and_the_rest_are_reported_skipped()
    {
        _source.Always([GitHubV1("o/app", Sha), GitHubV1("o/lib", Sha2), new("cfg", "v1", null, "config.zip")]);
        var result = await Handle(TestEvents.Pipeline("FAILED"));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(["o/app", "o/lib"], _publisher.Posted.Select(p => p.Revision.FullName).Order());
        Assert.Equal(["posted", "posted", "skipped"], result.Revisions.Select(r => r.Outcome.Word()).Order());
    }

    [Theory]
    [InlineData("STOPPING")]
    [InlineData("SOMETHING_NEW")]
    public async Task Transitional_and_unknown_states_post_nothing(string state)
    {
        var result = await Handle(TestEvents.Pipeline(state, trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal((200, "ignored"), (result.StatusCode, result.Outcome.Word()));
        Assert.Empty(_publisher.Posted);
    }

    [Theory]
    [InlineData("CodePipeline Stage Execution State Change")]
    [InlineData("CodePipeline Action Execution State Change")]
    public async Task Stage_and_action_events_are_accepted_and_ignored(string detailType)
    {
        var result = await Handle(TestEvents.Pipeline("FAILED", detailType: detailType, stage: "Build", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal((200, "ignored"), (result.StatusCode, result.Outcome.Word()));
        Assert.Empty(_publisher.Posted);
        Assert.Equal(0, _source.Calls);
    }

    [Fact]
    public async Task Stage_statuses_are_posted_when_enabled()
    {
        _options.PostStageStatuses = true;
        await Handle(TestEvents.Pipeline("FAILED", detailType: "CodePipeline Stage Execution State Change", stage: "Build", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal("codepipeline/web-app/Build", Assert.Single(_publisher.Posted).Status.Context);
    }

    [Fact]
    public async Task A_failed_stage_seen_earlier_is_named_in_the_pipeline_failure()
    {
        await Handle(TestEvents.Pipeline("FAILED", detailType: "CodePipeline Stage Execution State Change", stage: "Deploy"));
        await Handle(TestEvents.Pipeline("FAILED", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal("Pipeline web-app failed in stage Deploy", Assert.Single(_publisher.Posted).Status.Description);
    }

    [Fact]
    public async Task Sources_not_recorded_yet_are_re_read_then_handed_back_to_EventBridge()
    {
        _source.Always([]);
        var task = Handle(TestEvents.Pipeline("STARTED"));
        while (!task.IsCompleted) { _time.Advance(TimeSpan.FromMilliseconds(50)); await Task.Yield(); }
        var result = await task;
        Assert.Equal(503, result.StatusCode);
        Assert.NotNull(result.RetryAfter);
        Assert.InRange(_source.Calls, 2, 5);
        Assert.Empty(_publisher.Posted);
    }

    [Fact]
    public async Task Sources_that_appear_within_the_budget_are_used()
    {
        _source.Then([]).Then([GitHubV1("o/app", Sha)]);
        var task = Handle(TestEvents.Pipeline("STARTED"));
        while (!task.IsCompleted) { _time.Advance(TimeSpan.FromMilliseconds(50)); await Task.Yield(); }
        Assert.Equal(200, (await task).StatusCode);
        Assert.Single(_publisher.Posted);
    }

    [Fact]
    public async Task A_terminal_state_without_sources_is_logged_and_acknowledged()
    {
        _source.Always([]);
        var result = await Handle(TestEvents.Pipeline("SUCCEEDED"));
        Assert.Equal((200, "no-revisions"), (result.StatusCode, result.Outcome.Word()));
        Assert.Equal(1, _source.Calls);
    }

    [Fact]
    public async Task A_CodeCommit_only_execution_is_skipped()
    {
        _source.Always([new("src", Sha, $"https://eu-west-1.console.aws.amazon.com/codecommit/home#/repository/r/commit/{Sha}", "m")]);
        var result = await Handle(TestEvents.Pipeline("STARTED"));
        Assert.Equal((200, "skipped"), (result.StatusCode, result.Outcome.Word()));
        Assert.Empty(_publisher.Posted);
    }

    [Theory]
    [InlineData(FailureKind.Transient, 503)]
    [InlineData(FailureKind.Misconfigured, 424)]
    public async Task AWS_failures_tell_EventBridge_what_to_do(FailureKind kind, int expected)
    {
        _source.Throws(new UpstreamException("CodePipeline", kind, "boom"));
        var result = await Handle(TestEvents.Pipeline("STARTED"));
        Assert.Equal(expected, result.StatusCode);
        Assert.Equal(expected == 503, result.RetryAfter is not null);
    }

    [Theory]
    [InlineData(FailureKind.Transient, 503, "retry")]
    [InlineData(FailureKind.RateLimited, 429, "rate-limited")]
    [InlineData(FailureKind.Misconfigured, 424, "misconfigured")]
    [InlineData(FailureKind.Rejected, 200, "rejected")]
    public async Task GitHub_failures_tell_EventBridge_what_to_do(FailureKind kind, int expected, string outcome)
    {
        _publisher.Next = PublishResult.Failed(kind, "nope", kind == FailureKind.RateLimited ? TimeSpan.FromSeconds(42) : null);
        var result = await Handle(TestEvents.Pipeline("SUCCEEDED", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal(expected, result.StatusCode);
        Assert.Equal(outcome, Assert.Single(result.Revisions).Outcome.Word());
        if (kind == FailureKind.RateLimited) Assert.Equal(TimeSpan.FromSeconds(42), result.RetryAfter);
    }

    [Theory]
    [InlineData(FailureKind.RateLimited, 86_400)]
    [InlineData(FailureKind.Transient, 2_306_451_635)]
    public async Task A_far_future_wait_is_capped_at_an_hour(FailureKind kind, long seconds)
    {
        _publisher.Next = PublishResult.Failed(kind, "wait", TimeSpan.FromSeconds(seconds));
        var result = await Handle(TestEvents.Pipeline("SUCCEEDED", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal(TimeSpan.FromHours(1), result.RetryAfter);

        _source.Throws(new UpstreamException("STS", kind, "wait", TimeSpan.FromSeconds(seconds)));
        Assert.Equal(TimeSpan.FromHours(1), (await Handle(TestEvents.Pipeline("STARTED"))).RetryAfter);
    }

    [Theory]
    [InlineData(SupersededState.Error, CommitState.Error)]
    [InlineData(SupersededState.Pending, CommitState.Pending)]
    [InlineData(SupersededState.Success, CommitState.Success)]
    [InlineData(SupersededState.None, null)]
    public async Task Superseded_shows_what_the_team_chose(SupersededState chosen, CommitState? shown)
    {
        _options.SupersededState = chosen;
        var result = await Handle(TestEvents.Pipeline("SUPERSEDED", trigger: TestEvents.GitTrigger(Sha)));
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(shown, _publisher.Posted.Select(p => (CommitState?)p.Status.State).SingleOrDefault());
        if (shown is null) Assert.Equal(Outcome.Ignored, result.Outcome);
    }

    [Fact]
    public async Task A_notification_rule_event_posts_like_the_raw_one_and_names_the_failed_stage()
    {
        _source.Always([GitHubV1("o/app", Sha)]);
        var raw = TestEvents.Pipeline("FAILED");
        var notification = new JsonObject
        {
            ["account"] = raw["account"]!.DeepClone(),
            ["detailType"] = raw["detail-type"]!.DeepClone(),
            ["region"] = raw["region"]!.DeepClone(),
            ["source"] = raw["source"]!.DeepClone(),
            ["time"] = raw["time"]!.DeepClone(),
            ["detail"] = raw["detail"]!.DeepClone(),
            ["additionalAttributes"] = new JsonObject { ["failedStage"] = "Deploy" },
        };
        var result = await Handle(notification);
        Assert.Equal(Outcome.Posted, result.Outcome);
        var posted = Assert.Single(_publisher.Posted);
        Assert.Equal((CommitState.Failure, "Pipeline web-app failed in stage Deploy"), (posted.Status.State, posted.Status.Description));
    }

    [Fact]
    public async Task A_failed_post_is_not_remembered_so_redelivery_posts_it()
    {
        _publisher.Next = PublishResult.Failed(FailureKind.Transient, "502");
        var e = TestEvents.Pipeline("SUCCEEDED", trigger: TestEvents.GitTrigger(Sha));
        Assert.Equal(503, (await Handle(e)).StatusCode);
        Assert.Equal(200, (await Handle(e)).StatusCode);
        Assert.Single(_publisher.Posted);
    }

    [Fact]
    public async Task Duplicates_and_late_events_post_nothing()
    {
        var trigger = TestEvents.GitTrigger(Sha);
        var t0 = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var started = TestEvents.Pipeline("STARTED", time: t0, startTime: t0, trigger: trigger);
        var succeeded = TestEvents.Pipeline("SUCCEEDED", time: t0.AddMinutes(5), startTime: t0, trigger: TestEvents.GitTrigger(Sha));
        await Handle(succeeded);
        var dup = await Handle(succeeded);
        var late = await Handle(started);
        Assert.Equal("duplicate", Assert.Single(dup.Revisions).Outcome.Word());
        Assert.Equal("stale", Assert.Single(late.Revisions).Outcome.Word());
        Assert.Equal([CommitState.Success], _publisher.Posted.Select(p => p.Status.State));
    }

    [Fact]
    public async Task The_request_budget_turns_a_hung_upstream_into_a_retry()
    {
        _source.Hangs();
        var task = Handle(TestEvents.Pipeline("STARTED"));
        while (!task.IsCompleted) { _time.Advance(TimeSpan.FromMilliseconds(500)); await Task.Yield(); }
        var result = await task;
        Assert.Equal(503, result.StatusCode);
        Assert.Contains("budget", result.Detail);
    }

    private sealed class ScriptedSource : IExecutionSource
    {
        private readonly Queue<Func<ExecutionDetails>> _script = new();
        private Func<CancellationToken, Task<ExecutionDetails>> _default = _ => Task.FromResult(Running([]));
        public int Calls;
        public Task<IReadOnlyList<ArtifactRevision>>? Gate;

        public static ExecutionDetails Running(IReadOnlyList<ArtifactRevision> r) => new("InProgress", "STANDARD", "StartPipelineExecution", null, r);

        public ScriptedSource Then(IReadOnlyList<ArtifactRevision> r) { _script.Enqueue(() => Running(r)); return this; }
        public ScriptedSource Then(ExecutionDetails d) { _script.Enqueue(() => d); return this; }
        public void Always(IReadOnlyList<ArtifactRevision> r) => _default = _ => Task.FromResult(Running(r));
        public void Always(ExecutionDetails d) => _default = _ => Task.FromResult(d);
        public void Throws(Exception ex) => _default = _ => Task.FromException<ExecutionDetails>(ex);
        public void Hangs() => _default = async ct => { await Task.Delay(Timeout.Infinite, ct); return Running([]); };

        public async Task<ExecutionDetails> GetExecutionAsync(ExecutionRef execution, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            if (Gate is { } gate) return Running(await gate.WaitAsync(ct));
            lock (_script) if (_script.TryDequeue(out var next)) return next();
            return await _default(ct);
        }
    }

    private sealed class RecordingPublisher : IStatusPublisher
    {
        public ConcurrentQueue<(GitHubRevision Revision, CommitStatus Status)> Posted { get; } = new();
        public PublishResult? Next;

        public Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct)
        {
            if (Interlocked.Exchange(ref Next, null) is { } scripted) return Task.FromResult(scripted);
            Posted.Enqueue((revision, status));
            return Task.FromResult(PublishResult.Posted);
        }
    }

    private sealed class DictionaryCache : IExecutionCache
    {
        private readonly ConcurrentDictionary<ExecutionRef, ExecutionFacts> _d = new();
        public ExecutionFacts? Get(ExecutionRef execution) => _d.TryGetValue(execution, out var f) ? f : null;
        public void Set(ExecutionRef execution, ExecutionFacts facts) => _d[execution] = facts;
    }
}
