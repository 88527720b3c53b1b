using System.Diagnostics;
using System.Runtime;
using Bridge.Benchmarks;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

if (options.WorkerColdStarts > 0) return await WorkerColdStart.RunAsync(options);
if (options.ProcessDir is not null) return await ProcessDay.RunAsync(options);

if (options.ColdStarts > 0)
{
    try
    {
        return await ColdStart.RunAsync(options);
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 2;
    }
}

#if DEBUG
Console.WriteLine("WARNING: a Debug build; figures are only meaningful with -c Release.");
#endif

var startedAt = DateTimeOffset.UtcNow;
using var allocations = options.AllocProfile ? new AllocationProfile() : null;
var runtimeOnly = Environment.WorkingSet;

// The workload is built (and every body serialised) before anything is timed.
var warmup = Workload.Generate("warm", options.WarmupExecutions, Math.Max(1, Math.Min(options.Repos, 20)), options.Seed + 1, options);
var day = Workload.Generate("svc", options.Executions, options.Repos, options.Seed, options);
var expected = Expectation.Of(day);

await using var rig = await Rig.StartAsync(options);
warmup.Seed(rig.CodePipeline);
day.Seed(rig.CodePipeline);
var afterStart = Environment.WorkingSet;

using var client = Load.CreateClient(rig.BridgeAddress, options.Connections);
Func<int, HttpRequestMessage> EventsOf(Workload w) => i => Requests.Event(w.Events[i].Body);

// Warm-up: JIT, connection pools, the STS credentials, the first ledger rows; on other repositories, excluded.
PhaseResult? warm = null;
if (warmup.Events.Count > 0)
    warm = await Load.RunAsync("warm-up", client, warmup.Events.Count, options.Concurrency, EventsOf(warmup));

// Settle before measuring: the steady state a long-running host is in (Settle).
var settle = await Settle.RunAsync(options.SettleRounds, () => Task.FromResult(System.Runtime.JitInfo.GetCompiledMethodCount()), async round =>
{
    var more = Settle.Round(round, options);
    more.Seed(rig.CodePipeline);
    await Load.RunAsync($"settle {round + 1}", client, more.Events.Count, options.Concurrency, EventsOf(more));
});
var stsDuringWarmup = rig.Sts.RequestCount;
rig.ResetUpstreams();
GC.Collect();
GC.WaitForPendingFinalizers();
GC.Collect();

(bool Idle, TimeSpan Waited)? idle = null;
if (options.WaitIdleSeconds > 0) idle = await MachineCpu.WaitForIdleAsync(TimeSpan.FromSeconds(options.WaitIdleSeconds));

// The measured day.
allocations?.Start();
var measured = await Load.RunAsync("day", client, day.Events.Count, options.Concurrency, EventsOf(day));
var measuredTypes = allocations?.Stop();
var ledgerReads = rig.Ledger.Reads;
var ledgerWrites = rig.Ledger.Writes;
var peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
var gcInfo = GC.GetGCMemoryInfo();
var heapAfter = GC.GetTotalMemory(forceFullCollection: false);
var githubRequests = rig.GitHub.RequestCount;
var codePipelineCalls = rig.CodePipeline.RequestCount;
var stsCalls = rig.Sts.RequestCount;
var statuses = rig.GitHub.Statuses;
var combos = statuses.GroupBy(s => (s.OwnerRepo.ToLowerInvariant(), s.Sha, s.Context, s.State, Expectation.ExecutionOf(s.TargetUrl))).ToList();
var repostedCombos = combos.Count(g => g.Count() > 1);
var wrong = expected.WrongOn(rig.GitHub);

// Replay: every event once more. All are duplicates or stale now: no GitHub POST, no AWS call, nothing changes.
PhaseResult? replay = null;
int replayGitHub = 0, replayAws = 0;
long replayLedgerReads = 0, replayLedgerWrites = 0;
AllocationProfile.Snapshot? replayTypes = null;
List<string> wrongAfterReplay = [];
if (options.Replay)
{
    rig.GitHub.ClearRequests();
    rig.CodePipeline.ClearRequests();
    rig.Sts.ClearRequests();
    rig.Ledger.Reset();
    allocations?.Start();
    replay = await Load.RunAsync("replay", client, day.Events.Count, options.Concurrency, EventsOf(day));
    replayTypes = allocations?.Stop();
    (replayLedgerReads, replayLedgerWrites) = (rig.Ledger.Reads, rig.Ledger.Writes);
    replayGitHub = rig.GitHub.RequestCount;
    replayAws = rig.CodePipeline.RequestCount + rig.Sts.RequestCount;
    wrongAfterReplay = expected.WrongOn(rig.GitHub);
}

// Open loop: a second day on other repositories, each event sent at its due time whatever the answers (as EventBridge does).
PhaseResult? atRate = null;
List<string> wrongAtRate = [];
if (options.Rate > 0)
{
    var second = Workload.Generate("rate", options.Executions, options.Repos, options.Seed + 2, options);
    second.Seed(rig.CodePipeline);
    if (options.WaitIdleSeconds > 0) await MachineCpu.WaitForIdleAsync(TimeSpan.FromSeconds(options.WaitIdleSeconds));
    atRate = await Load.RunAtRateAsync($"open loop at {options.Rate:N0}/s", client, second.Events.Count, options.Rate, EventsOf(second));
    wrongAtRate = Expectation.Of(second).WrongOn(rig.GitHub);
}

// Baselines on the same client and concurrency: the floor of a request to the bridge (GET /api/health), and what
// the GitHub fake itself costs per status POST (its share of the bridge's latency).
PhaseResult? health = null, direct = null;
IReadOnlyList<PhaseResult> breakdown = [];
var profileLines = new StringWriter();
if (options.Baselines)
{
    var n = Math.Max(1000, day.Events.Count);
    health = await Load.RunAsync("health", client, n, options.Concurrency, _ => new HttpRequestMessage(HttpMethod.Get, "api/health"));
    using var githubClient = Load.CreateClient(rig.GitHub.ApiAddress, options.Connections);
    allocations?.Start();
    direct = await Load.RunAsync("github-direct", githubClient, n, options.Concurrency, Requests.DirectStatus);
    if (allocations?.Stop() is { } directTypes)
        AllocationProfile.Print(profileLines, "status POST straight to the GitHub fake (fake + client)", directTypes, direct.Requests, direct.AllocatedBytes, top: 15);
    breakdown = await Breakdown.RunAsync(rig, day, n, options.Concurrency, allocations, profileLines);
}

var report = new Report(options, startedAt, day, warmup, expected, rig.TableName)
{
    Warm = warm,
    Settle = settle,
    Measured = measured,
    Replay = replay,
    Health = health,
    Direct = direct,
    Breakdown = breakdown,
    AtRate = atRate,
    WrongAtRate = wrongAtRate,
    StsDuringWarmup = stsDuringWarmup,
    GitHubRequests = githubRequests,
    StatusesAccepted = statuses.Count,
    DistinctCombos = combos.Count,
    RepostedCombos = repostedCombos,
    CodePipelineCalls = codePipelineCalls,
    StsCalls = stsCalls,
    Wrong = wrong,
    WrongAfterReplay = wrongAfterReplay,
    ReplayGitHub = replayGitHub,
    ReplayAws = replayAws,
    LedgerReads = ledgerReads,
    LedgerWrites = ledgerWrites,
    ReplayLedgerReads = replayLedgerReads,
    ReplayLedgerWrites = replayLedgerWrites,
    PeakWorkingSet = peakWorkingSet,
    RuntimeOnlyWorkingSet = runtimeOnly,
    AfterStartWorkingSet = afterStart,
    HeapAfter = heapAfter,
    GcHeapSize = gcInfo.HeapSizeBytes,
    GcCommitted = gcInfo.TotalCommittedBytes,
    IsServerGc = GCSettings.IsServerGC,
    IdleWait = idle,
};
report.Print(Console.Out);
if (measuredTypes is not null) AllocationProfile.Print(Console.Out, "measured day", measuredTypes, measured.Requests, measured.AllocatedBytes);
if (replayTypes is not null && replay is not null) AllocationProfile.Print(Console.Out, "replay", replayTypes, replay.Requests, replay.AllocatedBytes);
Console.Write(profileLines.ToString());
if (options.JsonPath is { } path)
{
    await File.WriteAllTextAsync(path, report.ToJson());
    Console.WriteLine($"JSON written to {path}");
}
return wrong.Count == 0 && wrongAfterReplay.Count == 0 && wrongAtRate.Count == 0 && measured.Non2xx == 0 ? 0 : 1;
