using Bridge.Core.Repair;
using Bridge.Sandbox;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Repair;

/// <summary>
/// Issue 10: no commit is left pending after its execution ended. Only STARTED is ever delivered; the execution then
/// changes at the fake CodePipeline, and the Kestrel host's repair service (on a fake clock) posts what the missing
/// event would have. Everything goes over real HTTP to the loopback fakes.
/// </summary>
public sealed class RepairSweepTests
{
    private const string Sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    private const string Sha2 = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    private const string Sha3 = "7c9e2b1d4a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e";

    [Fact]
    public async Task A_lost_terminal_event_is_repaired_within_the_interval_plus_the_wait()
    {
        await using var rig = await RepairRig.StartAsync(RepairRig.NewClock());
        var started = rig.Clock.GetUtcNow();
        rig.Execution("web-app", "exec-lost", PipelineExecutionStatus.InProgress, Sha);
        await rig.StartedAsync("web-app", "exec-lost");
        Assert.Equal("pending", rig.Harness.GitHub.Latest("octo-org/web-app", Sha, "codepipeline/web-app")!.State);
        // The execution ends; its SUCCEEDED event never comes.
        rig.Execution("web-app", "exec-lost", PipelineExecutionStatus.Succeeded, Sha);

        var reports = new List<RepairReport>();
        while (rig.Clock.GetUtcNow() - started < RepairRig.Interval + TimeSpan.FromMinutes(15))
            reports.Add(await rig.SweepAsync());

        // Swept at 5, 10 and 15 minutes: not pending long enough yet. At 20 (Interval + After): repaired.
        Assert.Equal([0, 0, 0, 1], reports.Select(r => r.Slots));
        Assert.Equal(1, reports[^1].Count(RepairAction.Posted));
        var status = rig.Harness.GitHub.Latest("octo-org/web-app", Sha, "codepipeline/web-app")!;
        Assert.Equal(("success", "Pipeline web-app succeeded"), (status.State, status.Description));
        Assert.Equal(["pending", "success"], rig.Harness.GitHub.Statuses.Select(s => s.State));
        Assert.True(status.CreatedAt - started <= RepairRig.Interval + TimeSpan.FromMinutes(15));
        Assert.Contains("Repair: pipeline web-app execution exec-lost ended Succeeded", rig.Harness.AllLogText());

        // Swept again: the slot is no longer pending, so nothing more is asked or posted.
        rig.Harness.CodePipeline.ClearRequests();
        Assert.Equal(0, (await rig.SweepAsync()).Slots);
        Assert.Equal(0, rig.Calls("exec-lost"));
        Assert.Equal(2, rig.Harness.GitHub.Statuses.Count);
    }

    [Fact]
    public async Task A_slot_GitHub_refuses_for_good_is_not_swept_again()
    {
        await using var rig = await RepairRig.StartAsync(RepairRig.NewClock());
        var started = await rig.LostTerminalEventAsync("web-app", "exec-gone", PipelineExecutionStatus.Succeeded, Sha);
        // The commit is gone by the time the repair comes (a force-push): GitHub answers 422 for it from now on.
        rig.Harness.GitHub.AddNonCommit("octo-org/web-app", Sha);

        RepairReport report;
        do report = await rig.SweepAsync();
        while (report.Slots == 0 && rig.Clock.GetUtcNow() - started < TimeSpan.FromHours(1));
        Assert.Equal(1, report.Count(RepairAction.Failed));
        var posts = rig.Harness.GitHub.RequestCount;

        // Every later sweep would otherwise ask CodePipeline and GitHub again, an interval apart, for ever.
        rig.Harness.CodePipeline.ClearRequests();
        report = await rig.SweepAsync();
        Assert.Equal(1, report.Count(RepairAction.Skipped));
        Assert.Equal(0, rig.Calls("exec-gone"));
        Assert.Equal(posts, rig.Harness.GitHub.RequestCount);
        Assert.Equal(["pending"], rig.Harness.GitHub.Statuses.Select(s => s.State));
    }

    [Fact]
    public async Task In_checks_mode_a_lost_terminal_event_finishes_the_run_its_execution_opened()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        await using var rig = await RepairRig.StartAsync(RepairRig.NewClock(), o =>
        {
            o.Settings["GitHub:Token"] = null;
            o.Settings["GitHub:AppId"] = "424242";
            o.Settings["GitHub:AppPrivateKey"] = key.ExportRSAPrivateKeyPem();
            o.Settings["GitHub:Mode"] = "Checks";
        });
        rig.Harness.GitHub.RegisterApp(424242, key);
        rig.Harness.GitHub.AddInstallation(9001, "octo-org", new Dictionary<string, string> { ["checks"] = "write", ["metadata"] = "read" });
        rig.Execution("web-app", "exec-lost", PipelineExecutionStatus.InProgress, Sha);
        await rig.StartedAsync("web-app", "exec-lost");
        var opened = Assert.Single(rig.Harness.GitHub.CheckRuns);
        Assert.Equal("in_progress", opened.Status);
        rig.Execution("web-app", "exec-lost", PipelineExecutionStatus.Failed, Sha);

        for (var i = 0; i < 4; i++) await rig.SweepAsync();

        var finished = Assert.Single(rig.Harness.GitHub.CheckRuns);
        Assert.Equal((opened.Id, "completed", "failure"), (finished.Id, finished.Status, finished.Conclusion));
        Assert.Contains("repair sweep", finished.Summary);
    }

    [Fact]
    public async Task A_running_execution_is_left_pending_and_asked_about_once_per_sweep_however_many_commits_it_built()
    {
        await using var rig = await RepairRig.StartAsync(RepairRig.NewClock());
        rig.Execution("monorepo", "exec-running", PipelineExecutionStatus.InProgress, Sha, Sha2, Sha3);
        await rig.StartedAsync("monorepo", "exec-running");
        Assert.Equal(3, rig.Harness.GitHub.Statuses.Count);

        for (var i = 0; i < 3; i++) await rig.SweepAsync();
        rig.Harness.CodePipeline.ClearRequests();
        var report = await rig.SweepAsync();
        // Stopping is still running too: STOPPED follows it.
        rig.Execution("monorepo", "exec-running", PipelineExecutionStatus.Stopping, Sha, Sha2, Sha3);
        var stopping = await rig.SweepAsync();

        Assert.Equal((3, 1, 3), (report.Slots, report.Executions, report.Count(RepairAction.Running)));
        Assert.Equal(3, stopping.Count(RepairAction.Running));
        Assert.Equal(2, rig.Calls("exec-running"));
        Assert.Equal(3, rig.Harness.GitHub.Statuses.Count);
        Assert.All(rig.Harness.GitHub.Statuses, s => Assert.Equal("pending", s.State));
    }

    [Fact]
    public async Task An_execution_CodePipeline_cannot_find_gets_the_error_only_after_the_give_up_time()
    {
        await using var rig = await RepairRig.StartAsync(RepairRig.NewClock(), o => o.Settings["Repair:GiveUpAfter"] = "01:00:00");
        var started = rig.Clock.GetUtcNow();
        // The pipeline exists; this execution is unknown to it (the commit came from the event's V2 trigger).
        rig.Execution("worker", "exec-other", PipelineExecutionStatus.Succeeded, Sha2);
        await rig.StartedAsync("worker", "exec-vanished", TestEvents.GitTrigger(Sha));

        var reports = new List<RepairReport>();
        while (rig.Clock.GetUtcNow() - started < TimeSpan.FromHours(1))
            reports.Add(await rig.SweepAsync());

        // Minutes 20 to 55: not found, left pending. Minute 60: given up.
        Assert.Equal(8, reports.Count(r => r.Count(RepairAction.NotFound) == 1));
        Assert.Equal(1, reports[^1].Count(RepairAction.GaveUp));
        Assert.Equal(["pending", "error"], rig.Harness.GitHub.Statuses.Select(s => s.State));
        var status = rig.Harness.GitHub.Latest("octo-org/worker", Sha, "codepipeline/worker")!;
        Assert.Equal("Pipeline worker: the result was never received", status.Description);
        Assert.Equal(started + TimeSpan.FromHours(1), status.CreatedAt);
        Assert.Contains("was not found for 01:00:00; gave up", rig.Harness.AllLogText());
    }

    [Fact]
    public async Task A_sweep_does_at_most_MaxPerSweep_slots_and_the_next_one_goes_on_from_there()
    {
        await using var rig = await RepairRig.StartAsync(RepairRig.NewClock(), o => o.Settings["Repair:MaxPerSweep"] = "2");
        foreach (var (id, sha) in new[] { ("exec-1", Sha), ("exec-2", Sha2), ("exec-3", Sha3) })
        {
            rig.Execution("web-app", id, PipelineExecutionStatus.InProgress, sha);
            await rig.StartedAsync("web-app", id);
            rig.Execution("web-app", id, PipelineExecutionStatus.Failed, sha);
        }

        for (var i = 0; i < 3; i++) await rig.SweepAsync();
        rig.Harness.CodePipeline.ClearRequests();
        var first = await rig.SweepAsync();
        var second = await rig.SweepAsync();

        Assert.Equal((2, 2, 2), (first.Slots, first.Executions, first.Count(RepairAction.Posted)));
        Assert.Equal((1, 1), (second.Slots, second.Count(RepairAction.Posted)));
        Assert.Equal(3, rig.Harness.CodePipeline.RequestCount);
        Assert.Equal(3, rig.Harness.GitHub.Statuses.Count(s => s.State == "failure"));
    }

    [Fact]
    public async Task A_sweep_that_fails_unexpectedly_is_logged_and_the_host_keeps_sweeping_and_serving()
    {
        var ledger = new FirstListingThrows();
        await using var rig = await RepairRig.StartAsync(RepairRig.NewClock(),
            o => o.Services += s => s.AddSingleton<Bridge.Core.Ordering.IStatusLedger>(ledger));

        // The first tick's sweep throws (a bug, not an upstream failure); the next tick's runs to its end.
        rig.Clock.Advance(RepairRig.Interval);
        await ledger.FirstListing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var report = await rig.SweepAsync();

        Assert.Equal(2, ledger.Listings);
        Assert.Equal(0, report.Slots);
        Assert.Contains("Repair sweep failed with System.InvalidOperationException", rig.Harness.AllLogText());
        Assert.DoesNotContain("a bug in the ledger", rig.Harness.AllLogText());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await rig.Harness.Client.GetAsync("/api/health")).StatusCode);
    }

    /// <summary>The in-memory ledger, whose first listing throws something no adapter would.</summary>
    private sealed class FirstListingThrows : Bridge.Core.Ordering.IStatusLedger
    {
        private readonly Bridge.Core.Ordering.InMemoryStatusLedger _inner = new();
        public int Listings;
        public readonly TaskCompletionSource FirstListing = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Bridge.Core.Ordering.LedgerRow> ReadAsync(Bridge.Core.Ordering.StatusKey key, CancellationToken ct) => _inner.ReadAsync(key, ct);

        public Task<string?> TryWriteAsync(Bridge.Core.Ordering.StatusKey key, Bridge.Core.Ordering.LedgerEntry? last, Bridge.Core.Ordering.LedgerEntry? pending,
            DateTimeOffset? leaseUntil, string? version, CancellationToken ct) => _inner.TryWriteAsync(key, last, pending, leaseUntil, version, ct);

        public Task<Bridge.Core.Ordering.PendingPage> ListPendingAsync(DateTimeOffset before, int max, string? continuation, CancellationToken ct)
        {
            if (Interlocked.Increment(ref Listings) > 1) return _inner.ListPendingAsync(before, max, continuation, ct);
            FirstListing.SetResult();
            throw new InvalidOperationException("a bug in the ledger");
        }
    }
}
