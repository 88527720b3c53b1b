using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Repair;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Core.Repair;

/// <summary>
/// What the sweep posts for each kind of slot (pipeline, rollback, stage) and each way an execution ends, with the
/// ports played by in-process doubles: the ledger is the real in-memory one, CodePipeline answers from a dictionary.
/// </summary>
public class RepairRulesTests
{
    private const string Sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly ExecutionRef Exec = new("111122223333", "eu-west-1", "web-app", "exec-1");

    private readonly FakeTimeProvider _time = new(T0.AddMinutes(20));
    private readonly InMemoryStatusLedger _ledger = new();
    private readonly Dictionary<string, ExecutionDetails> _executions = [];
    private readonly List<CommitStatus> _posted = [];
    private readonly HandlerOptions _options = new();

    private Action? _onAsk;

    private RepairSweep Sweep() => new(_ledger, new Source(_executions, () => Interlocked.Exchange(ref _onAsk, null)?.Invoke()), new StatusSlot(_ledger, _options.Budget, _time), new Publisher(_posted),
        _options, new RepairSettings(), _time, NullLogger<RepairSweep>.Instance);

    private async Task Pending(string context, ExecutionRef? execution = null, DateTimeOffset? start = null)
    {
        var x = execution ?? Exec;
        var entry = new LedgerEntry(x.ExecutionId, start ?? T0, 1, start ?? T0, new CommitStatus(CommitState.Pending, context, "running", "https://console"))
        {
            Account = x.Account,
            Region = x.Region,
            Pipeline = x.Pipeline,
        };
        await _ledger.TryWriteAsync(new StatusKey("github.com", "octo-org/web-app", Sha, context), entry, null, null, null, default);
    }

    private void Ended(string status, string executionId = "exec-1") => _executions[executionId] = new ExecutionDetails(status, "STANDARD", "Webhook", null, []);

    private async Task<CommitState?> Shows(string context) =>
        (await _ledger.ReadAsync(new StatusKey("github.com", "octo-org/web-app", Sha, context), default)).Last?.Status.State;

    [Theory]
    [InlineData("Succeeded", CommitState.Success, "Pipeline web-app succeeded")]
    [InlineData("Failed", CommitState.Failure, "Pipeline web-app failed")]
    [InlineData("Stopped", CommitState.Error, "Pipeline web-app stopped")]
    [InlineData("Cancelled", CommitState.Error, "Pipeline web-app canceled (pipeline updated)")]
    [InlineData("Superseded", CommitState.Error, "Pipeline web-app superseded by a newer execution")]
    public async Task The_pipeline_status_says_what_the_event_would_have(string executionStatus, CommitState state, string description)
    {
        await Pending("codepipeline/web-app");
        Ended(executionStatus);

        var report = await Sweep().RunAsync(default);

        Assert.Equal(1, report.Count(RepairAction.Posted));
        var posted = Assert.Single(_posted);
        Assert.Equal((state, "codepipeline/web-app", description), (posted.State, posted.Context, posted.Description));
        Assert.Equal(StatusComposer.TargetUrl(Exec), posted.TargetUrl);
    }

    [Fact]
    public async Task A_rollback_slot_gets_the_rollback_status()
    {
        await Pending("codepipeline/web-app/rollback");
        Ended("Failed");

        await Sweep().RunAsync(default);

        Assert.Equal("Pipeline web-app: rollback to this commit failed", Assert.Single(_posted).Description);
    }

    [Theory]
    [InlineData("Succeeded", CommitState.Success, "Stage Deploy of web-app succeeded")]
    [InlineData("Failed", CommitState.Error, "Stage Deploy of web-app: the pipeline ended (Failed) before the stage reported")]
    [InlineData("Superseded", CommitState.Error, "Stage Deploy of web-app: the pipeline ended (Superseded) before the stage reported")]
    public async Task A_stage_left_pending_succeeded_only_if_its_execution_did(string executionStatus, CommitState state, string description)
    {
        await Pending("codepipeline/web-app/Deploy");
        Ended(executionStatus);

        await Sweep().RunAsync(default);

        var posted = Assert.Single(_posted);
        Assert.Equal((state, "codepipeline/web-app/Deploy", description), (posted.State, posted.Context, posted.Description));
    }

    [Theory]
    [InlineData(SupersededState.Pending, 1)]
    [InlineData(SupersededState.None, 0)]
    public async Task A_superseded_execution_configured_to_stay_pending_is_asked_about_once(SupersededState superseded, int posts)
    {
        _options.SupersededState = superseded;
        await Pending("codepipeline/web-app");
        Ended("Superseded");
        var sweep = Sweep();

        var first = await sweep.RunAsync(default);
        var second = await sweep.RunAsync(default);

        Assert.Equal(posts, _posted.Count);
        Assert.Equal(CommitState.Pending, await Shows("codepipeline/web-app"));
        Assert.Equal((1, 0), (first.Executions, second.Executions));
        Assert.Equal(1, second.Count(RepairAction.Skipped));
    }

    [Fact]
    public async Task A_newer_execution_reporting_while_the_sweep_asks_is_not_turned_back()
    {
        await Pending("codepipeline/web-app");
        Ended("Failed");
        var key = new StatusKey("github.com", "octo-org/web-app", Sha, "codepipeline/web-app");
        // While CodePipeline is asked about exec-1, a newer execution's STARTED is recorded on the same commit.
        _onAsk = () =>
        {
            var row = _ledger.ReadAsync(key, default).GetAwaiter().GetResult();
            var newer = row.Last! with { ExecutionId = "exec-2", ExecutionStart = T0.AddMinutes(1), EventTime = T0.AddMinutes(1) };
            Assert.NotNull(_ledger.TryWriteAsync(key, newer, null, null, row.Version, default).GetAwaiter().GetResult());
        };

        var report = await Sweep().RunAsync(default);

        Assert.Equal(1, report.Count(RepairAction.Newer));
        Assert.Empty(_posted);
        Assert.Equal("exec-2", (await _ledger.ReadAsync(key, default)).Last!.ExecutionId);
    }

    [Fact]
    public async Task A_late_terminal_event_after_the_repair_wins_and_is_not_posted_when_it_says_the_same()
    {
        await Pending("codepipeline/web-app");
        Ended("Succeeded");
        await Sweep().RunAsync(default);
        var key = new StatusKey("github.com", "octo-org/web-app", Sha, "codepipeline/web-app");
        var repaired = (await _ledger.ReadAsync(key, default)).Last!;
        var late = repaired with { EventTime = T0.AddMinutes(3), Ended = false };

        Assert.Equal(Verdict.Record, OrderingRules.Decide(repaired, late));
        Assert.Equal(Verdict.Post, OrderingRules.Decide(repaired, late with { Status = late.Status with { State = CommitState.Failure } }));
    }

    [Fact]
    public async Task A_context_of_another_prefix_is_skipped_without_asking()
    {
        await Pending("ci/web-app");
        Ended("Succeeded");

        var report = await Sweep().RunAsync(default);

        Assert.Equal((1, 0), (report.Count(RepairAction.Skipped), report.Executions));
        Assert.Empty(_posted);
    }

    private sealed class Source(Dictionary<string, ExecutionDetails> executions, Action onAsk) : IExecutionSource
    {
        public Task<ExecutionDetails> GetExecutionAsync(ExecutionRef execution, CancellationToken ct)
        {
            onAsk();
            return executions.TryGetValue(execution.ExecutionId, out var details)
                ? Task.FromResult(details)
                : throw new UpstreamException("CodePipeline", FailureKind.Misconfigured, "not found") { Code = "PipelineExecutionNotFoundException" };
        }
    }

    private sealed class Publisher(List<CommitStatus> posted) : IStatusPublisher
    {
        public Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct)
        {
            posted.Add(status);
            return Task.FromResult(PublishResult.Posted);
        }
    }
}
