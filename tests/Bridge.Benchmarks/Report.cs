using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bridge.Benchmarks;

/// <summary>The figures of a run, printed as a table next to the targets, and as JSON.</summary>
internal sealed class Report(BenchOptions o, DateTimeOffset startedAt, Workload day, Workload warmup, Expectation expected, string? tableName)
{
    private const double TargetEventsPerSecond = 3000;
    private const double TargetP99Ms = 5;
    private const double TargetPostsPerDistinct = 1;
    private const double TargetAwsPerEvent = 0.5;
    private const double TargetPeakMb = 130;
    private const double TargetAllocKbPerEvent = 40;
    private const double TargetLedgerPerPost = 2;
    private const double TargetLedgerPerDuplicate = 1;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public PhaseResult? Warm { get; init; }
    public IReadOnlyList<long> Settle { get; init; } = [];
    public required PhaseResult Measured { get; init; }
    public PhaseResult? Replay { get; init; }
    public PhaseResult? Health { get; init; }
    public PhaseResult? Direct { get; init; }
    public IReadOnlyList<PhaseResult> Breakdown { get; init; } = [];
    public PhaseResult? AtRate { get; init; }
    public List<string> WrongAtRate { get; init; } = [];
    public int StsDuringWarmup { get; init; }
    public int GitHubRequests { get; init; }
    public int StatusesAccepted { get; init; }
    public int DistinctCombos { get; init; }
    public int RepostedCombos { get; init; }
    public int CodePipelineCalls { get; init; }
    public int StsCalls { get; init; }
    public List<string> Wrong { get; init; } = [];
    public List<string> WrongAfterReplay { get; init; } = [];
    public int ReplayGitHub { get; init; }
    public int ReplayAws { get; init; }
    public long LedgerReads { get; init; }
    public long LedgerWrites { get; init; }
    public long ReplayLedgerReads { get; init; }
    public long ReplayLedgerWrites { get; init; }
    public long PeakWorkingSet { get; init; }
    public long RuntimeOnlyWorkingSet { get; init; }
    public long AfterStartWorkingSet { get; init; }
    public long HeapAfter { get; init; }
    public long GcHeapSize { get; init; }
    public long GcCommitted { get; init; }
    public bool IsServerGc { get; init; }
    public (bool Idle, TimeSpan Waited)? IdleWait { get; init; }

    private int Events => Measured.Requests;
    /// <summary>POSTs per distinct status posted: above 1 means some status went to GitHub twice.</summary>
    private double PostsPerDistinct => GitHubRequests / (double)Math.Max(1, DistinctCombos);
    private bool PostsPass => GitHubRequests <= DistinctCombos && DistinctCombos <= expected.DistinctStatusesAtMost;
    private double AwsPerEvent => (CodePipelineCalls + StsCalls) / (double)Math.Max(1, Events);
    /// <summary>Ledger round trips (reads + conditional writes) of the measured day per GitHub POST.</summary>
    private double LedgerPerPost => (LedgerReads + LedgerWrites) / (double)Math.Max(1, GitHubRequests);
    /// <summary>Ledger round trips of the replay (every event a duplicate or stale) per replayed event.</summary>
    private double LedgerPerDuplicate => (ReplayLedgerReads + ReplayLedgerWrites) / (double)Math.Max(1, Replay?.Requests ?? 0);
    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

    private IEnumerable<(string Name, string Value, string Target, bool? Pass)> Rows()
    {
        var m = Measured;
        yield return ("events sent", $"{Events:N0}", "", null);
        yield return ("wall time", $"{m.Wall.TotalMilliseconds:N0} ms", "", null);
        yield return ("throughput", $"{m.PerSecond:N0} events/s", $"≥ {TargetEventsPerSecond:N0}/s", m.PerSecond >= TargetEventsPerSecond);
        yield return ("latency p50 / p90", $"{m.Latency.P50:N2} / {m.Latency.P90:N2} ms", "", null);
        yield return ("latency p99", $"{m.Latency.P99:N2} ms", $"≤ {TargetP99Ms:N0} ms", m.Latency.P99 <= TargetP99Ms);
        yield return ("JIT during the phase", $"{m.JitMethods:N0} methods compiled, {m.JitTime.TotalMilliseconds:N0} ms", "", null);
        yield return ("latency max / mean", $"{m.Latency.Max:N2} / {m.Latency.Mean:N2} ms", "", null);
        yield return ("GitHub POSTs", $"{GitHubRequests:N0} ({GitHubRequests / (double)Math.Max(1, Events):N2} per event)", "", null);
        yield return ("POSTs per distinct status", $"{PostsPerDistinct:N3} ({GitHubRequests:N0} POSTs / {DistinctCombos:N0} distinct statuses; {RepostedCombos:N0} sent twice)", $"≤ {TargetPostsPerDistinct:N0}", PostsPass && PostsPerDistinct <= TargetPostsPerDistinct);
        yield return ("vs ordering rules", $"{GitHubRequests / (double)Math.Max(1, expected.DistinctStatusChanges):N3} × the {expected.DistinctStatusChanges:N0} changes of a one-at-a-time replay (≤ {expected.DistinctStatusesAtMost:N0} possible)", "", null);
        yield return ("AWS calls per event", $"{AwsPerEvent:N3} (STS {StsCalls:N0} + CodePipeline {CodePipelineCalls:N0})", $"≤ {TargetAwsPerEvent}", AwsPerEvent <= TargetAwsPerEvent);
        yield return ("ledger round trips per posted status", $"{LedgerPerPost:N3} ({LedgerReads:N0} reads + {LedgerWrites:N0} writes / {GitHubRequests:N0} POSTs; {(tableName is null ? "in memory" : "Table Storage")})", $"≤ {TargetLedgerPerPost:N0}", LedgerPerPost <= TargetLedgerPerPost);
        if (Replay is { } replay)
            yield return ("ledger round trips per duplicate", $"{LedgerPerDuplicate:N3} ({ReplayLedgerReads:N0} reads + {ReplayLedgerWrites:N0} writes / {replay.Requests:N0} replayed events)", $"≤ {TargetLedgerPerDuplicate:N0}", LedgerPerDuplicate <= TargetLedgerPerDuplicate);
        yield return ("peak working set", $"{Mb(PeakWorkingSet):N0} MB (whole process, lifetime; measured phase {Mb(m.PeakWorkingSet):N0} MB)", $"≤ {TargetPeakMb:N0} MB", Mb(PeakWorkingSet) <= TargetPeakMb);
        yield return ("managed heap", $"peak {Mb(m.PeakManagedHeap):N0} MB; after run {Mb(HeapAfter):N0} MB; GC heap {Mb(GcHeapSize):N0} MB, committed {Mb(GcCommitted):N0} MB", "", null);
        yield return ("non-2xx answers", $"{m.Non2xx:N0}{Codes(m)}", "= 0", m.Non2xx == 0);
        yield return ("final status per slot", $"{expected.Final.Count - Wrong.Count:N0} / {expected.Final.Count:N0} right", "all", Wrong.Count == 0);
        yield return ("CPU per event", $"{m.CpuMsPerRequest:N3} ms (whole process; {Environment.ProcessorCount} cores → ≤ {Environment.ProcessorCount * 1000 / Math.Max(0.001, m.CpuMsPerRequest):N0} events/s)", "", null);
        yield return ("cores busy", $"this process {m.OwnCores:N2}, other processes {(m.OtherCores is { } other ? other.ToString("N2", Inv) : "unknown")} (of {Environment.ProcessorCount})", "", null);
        yield return ("allocated per event", $"{m.AllocKbPerRequest:N1} KB (whole process); GCs gen0/1/2 {m.Gen0}/{m.Gen1}/{m.Gen2}", $"≤ {TargetAllocKbPerEvent:N0} KB", m.AllocKbPerRequest <= TargetAllocKbPerEvent);
    }

    private static string Codes(PhaseResult p)
    {
        var odd = p.StatusCodes.Where(kv => kv.Key is < 200 or >= 300).Select(kv => $"{kv.Key}×{kv.Value}").ToList();
        if (p.Failures > 0) odd.Add($"transport failures×{p.Failures}");
        return odd.Count == 0 ? "" : " (" + string.Join(", ", odd) + ")";
    }

    public void Print(TextWriter w)
    {
        var sources = day.Executions.GroupBy(x => x.Source).ToDictionary(g => g.Key, g => g.Count());
        int Count(SourceKind k) => sources.GetValueOrDefault(k);
        var reruns = day.Executions.GroupBy(x => x.Slot).Sum(g => g.Count() - 1);
        var terminals = string.Join(", ", day.Executions.GroupBy(x => x.Terminal).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));

        w.WriteLine();
        w.WriteLine($"Bridge benchmark, {startedAt:yyyy-MM-dd HH:mm:ss} UTC: {o.CommandLine()}");
        w.WriteLine($"  runtime      .NET {Environment.Version}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, {(IsServerGc ? "Server" : "Workstation")} GC");
        w.WriteLine($"  workload     {day.Executions.Count:N0} executions on {day.Repositories} repositories (seed {o.Seed}): {Events:N0} events = {day.Events.Count(e => !e.IsDuplicate):N0} + {day.Events.Count(e => e.IsDuplicate):N0} duplicates; {day.Events.Count(e => e.IsLate):N0} STARTED delivered after their terminal event");
        w.WriteLine($"               terminal states: {terminals}; {reruns} re-runs of an already built commit; {expected.Final.Count:N0} status slots");
        w.WriteLine($"               commit from the V2 trigger: {Count(SourceKind.Trigger)}; via GetPipelineExecution: GitHub v1 {Count(SourceKind.GitHubV1)}, CodeConnections {Count(SourceKind.Connections)}, + S3 source skipped: {Count(SourceKind.GitHubV1PlusS3) + Count(SourceKind.ConnectionsPlusS3)}");
        w.WriteLine($"  ledger       {(tableName is null ? "in memory (default)" : $"Table Storage, table {tableName}")}");
        w.WriteLine($"  GitHub gate  MaxConcurrentWrites {o.MaxConcurrentWrites}, MaxWritesPerMinute {o.MaxWritesPerMinute:N0} (production defaults: 8 in flight, 80/min; lifted so the run measures the bridge, not its politeness to GitHub)");
        w.WriteLine($"  client       {o.Concurrency} requests in flight, {o.Connections} connections; latency measured client-side, fakes on loopback included");
        if (Warm is { } warm)
            w.WriteLine($"  warm-up      {warm.Requests:N0} events ({warmup.Executions.Count} executions on other repositories), excluded; {warm.Non2xx} non-2xx; STS calls during warm-up: {StsDuringWarmup} (credentials cached for an hour after)");
        if (Settle.Count > 0)
            w.WriteLine($"  settle       {Settle.Count} rounds of {Benchmarks.Settle.Executions} executions, excluded; methods JIT-compiled per round and its pause: {string.Join(", ", Settle)}");
        if (IdleWait is { } idle)
            w.WriteLine($"  idle wait    {(idle.Idle ? "machine idle" : "machine still busy")} after {idle.Waited.TotalSeconds:N0} s");
        if (Measured.OtherCores is > 0.1)
            w.WriteLine(tableName is null
                ? $"  NOTE         other processes kept {Measured.OtherCores:N2} cores busy during the measured phase: the figures are pessimistic"
                : $"  NOTE         other processes kept {Measured.OtherCores:N2} cores busy during the measured phase (Azurite, the ledger's server, is one of them: it shares the cores)");
        w.WriteLine();

        var rows = Rows().ToList();
        var nameWidth = rows.Max(r => r.Name.Length) + 2;
        var valueWidth = Math.Min(90, rows.Max(r => r.Value.Length)) + 2;
        var targetWidth = rows.Max(r => r.Target.Length) + 2;
        w.WriteLine($"  {"metric".PadRight(nameWidth)}{"value".PadRight(valueWidth)}{"target".PadRight(targetWidth)}result");
        w.WriteLine($"  {new string('-', nameWidth + valueWidth + targetWidth + 6)}");
        foreach (var (name, value, target, pass) in rows)
            w.WriteLine($"  {name.PadRight(nameWidth)}{value.PadRight(valueWidth)}{target.PadRight(targetWidth)}{(pass is null ? "" : pass.Value ? "PASS" : "MISS")}");
        w.WriteLine();

        foreach (var line in Wrong.Take(10)) w.WriteLine($"  WRONG {line}");
        if (Replay is { } r)
        {
            w.WriteLine($"  replay       every event again (all duplicates or stale): {r.PerSecond:N0} events/s, p50 {r.Latency.P50:N2} ms, p99 {r.Latency.P99:N2} ms, max {r.Latency.Max:N2} ms; " +
                        $"{r.CpuMsPerRequest:N3} ms CPU and {r.AllocKbPerRequest:N1} KB per event; GitHub POSTs {ReplayGitHub}, AWS calls {ReplayAws}, ledger calls {ReplayLedgerReads + ReplayLedgerWrites}, non-2xx {r.Non2xx}, slots changed {WrongAfterReplay.Count}");
            foreach (var line in WrongAfterReplay.Take(10)) w.WriteLine($"  WRONG after replay {line}");
        }
        if (AtRate is { } ar)
        {
            w.WriteLine($"  {ar.Name}: a second day ({ar.Requests:N0} events, other repositories) sent at fixed times: achieved {ar.PerSecond:N0}/s, " +
                        $"latency p50 {ar.Latency.P50:N2} ms, p90 {ar.Latency.P90:N2} ms, p99 {ar.Latency.P99:N2} ms (target ≤ {TargetP99Ms:N0}: {(ar.Latency.P99 <= TargetP99Ms ? "PASS" : "MISS")}), max {ar.Latency.Max:N2} ms; " +
                        $"{ar.CpuMsPerRequest:N3} ms CPU per event, this process {ar.OwnCores:N2} cores, others {ar.OtherCores?.ToString("N2", Inv) ?? "?"}; non-2xx {ar.Non2xx}; final status per slot wrong: {WrongAtRate.Count}");
            foreach (var line in WrongAtRate.Take(10)) w.WriteLine($"  WRONG at rate {line}");
        }
        if (Health is { } h)
            w.WriteLine($"  baseline     GET /api/health on the bridge: {h.PerSecond:N0} req/s, p50 {h.Latency.P50:N2} ms, p99 {h.Latency.P99:N2} ms; {h.CpuMsPerRequest:N3} ms CPU, {h.AllocKbPerRequest:N1} KB per request (Kestrel + client floor)");
        if (Direct is { } d)
        {
            w.WriteLine($"  baseline     status POST straight to the GitHub fake: {d.PerSecond:N0} req/s, p50 {d.Latency.P50:N2} ms, p99 {d.Latency.P99:N2} ms; {d.CpuMsPerRequest:N3} ms CPU, {d.AllocKbPerRequest:N1} KB per request (fake + client)");
            var postsPerEvent = GitHubRequests / (double)Math.Max(1, Events);
            var share = postsPerEvent * d.CpuMsPerRequest;
            w.WriteLine($"               GitHub fake's share of the bridge run, at most: {postsPerEvent:N2} POSTs/event × {d.CpuMsPerRequest:N3} ms = {share:N3} ms CPU per event " +
                        $"({100 * share / Math.Max(0.001, Measured.CpuMsPerRequest):N0} % of {Measured.CpuMsPerRequest:N3}); the CodePipeline/STS fakes answer {AwsPerEvent:N2} calls/event");
        }
        foreach (var b in Breakdown)
            w.WriteLine($"  in-process   {b.Name}: {b.PerSecond:N0} calls/s, p50 {b.Latency.P50:N2} ms, p99 {b.Latency.P99:N2} ms; {b.CpuMsPerRequest:N3} ms CPU, {b.AllocKbPerRequest:N1} KB per call{(b.Non2xx > 0 ? $", {b.Non2xx} failed" : "")}");
        w.WriteLine($"  memory       working set: runtime only {Mb(RuntimeOnlyWorkingSet):N0} MB, after starting fakes + host {Mb(AfterStartWorkingSet):N0} MB, peak {Mb(PeakWorkingSet):N0} MB (one process: bridge + 3 fakes + load generator)");
        var verdicts = Rows().Where(x => x.Pass is not null).ToList();
        w.WriteLine($"  targets      {verdicts.Count(x => x.Pass == true)} PASS, {verdicts.Count(x => x.Pass == false)} MISS");
        w.WriteLine();
    }

    public string ToJson()
    {
        static JsonObject Phase(PhaseResult p) => new()
        {
            ["requests"] = p.Requests,
            ["wallMs"] = Math.Round(p.Wall.TotalMilliseconds, 1),
            ["perSecond"] = Math.Round(p.PerSecond, 1),
            ["latencyMs"] = new JsonObject
            {
                ["p50"] = Math.Round(p.Latency.P50, 3),
                ["p90"] = Math.Round(p.Latency.P90, 3),
                ["p99"] = Math.Round(p.Latency.P99, 3),
                ["max"] = Math.Round(p.Latency.Max, 3),
                ["mean"] = Math.Round(p.Latency.Mean, 3),
            },
            ["non2xx"] = p.Non2xx,
            ["statusCodes"] = new JsonObject(p.StatusCodes.OrderBy(kv => kv.Key).Select(kv => KeyValuePair.Create(kv.Key.ToString(Inv), (JsonNode?)kv.Value))),
            ["cpuMsPerRequest"] = Math.Round(p.CpuMsPerRequest, 4),
            ["allocatedKbPerRequest"] = Math.Round(p.AllocKbPerRequest, 2),
            ["gc"] = new JsonObject { ["gen0"] = p.Gen0, ["gen1"] = p.Gen1, ["gen2"] = p.Gen2 },
            ["peakManagedHeapMb"] = Math.Round(Mb(p.PeakManagedHeap), 1),
            ["peakWorkingSetMb"] = Math.Round(Mb(p.PeakWorkingSet), 1),
            ["ownCores"] = Math.Round(p.OwnCores, 3),
            ["otherProcessesCores"] = p.OtherCores is { } other ? Math.Round(other, 3) : null,
            ["jitMethods"] = p.JitMethods,
            ["jitMs"] = Math.Round(p.JitTime.TotalMilliseconds, 1),
        };
        var targets = new JsonObject();
        foreach (var (name, value, target, pass) in Rows().Where(r => r.Pass is not null))
            targets[name] = new JsonObject { ["value"] = value, ["target"] = target, ["pass"] = pass };
        var root = new JsonObject
        {
            ["startedAt"] = startedAt.ToString("O", Inv),
            ["command"] = o.CommandLine(),
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription,
                ["dotnet"] = Environment.Version.ToString(),
                ["serverGc"] = IsServerGc,
            },
            ["workload"] = new JsonObject
            {
                ["executions"] = day.Executions.Count,
                ["repositories"] = day.Repositories,
                ["seed"] = o.Seed,
                ["events"] = day.Events.Count,
                ["duplicates"] = day.Events.Count(e => e.IsDuplicate),
                ["late"] = day.Events.Count(e => e.IsLate),
                ["slots"] = expected.Final.Count,
                ["expectedDistinctStatuses"] = expected.DistinctStatusChanges,
                ["distinctStatusesAtMost"] = expected.DistinctStatusesAtMost,
                ["concurrency"] = o.Concurrency,
                ["connections"] = o.Connections,
                ["ledger"] = tableName is null ? "memory" : "tables",
                ["maxConcurrentWrites"] = o.MaxConcurrentWrites,
                ["maxWritesPerMinute"] = o.MaxWritesPerMinute,
            },
            ["measured"] = Phase(Measured),
            ["github"] = new JsonObject
            {
                ["posts"] = GitHubRequests,
                ["accepted"] = StatusesAccepted,
                ["postsPerEvent"] = Math.Round(GitHubRequests / (double)Math.Max(1, Events), 4),
                ["postsPerDistinctStatus"] = Math.Round(PostsPerDistinct, 4),
                ["postsPerSequentialChange"] = Math.Round(GitHubRequests / (double)Math.Max(1, expected.DistinctStatusChanges), 4),
                ["distinctPosted"] = DistinctCombos,
                ["postedMoreThanOnce"] = RepostedCombos,
            },
            ["ledger"] = new JsonObject
            {
                ["reads"] = LedgerReads,
                ["writes"] = LedgerWrites,
                ["roundTripsPerPostedStatus"] = Math.Round(LedgerPerPost, 4),
                ["replayReads"] = ReplayLedgerReads,
                ["replayWrites"] = ReplayLedgerWrites,
                ["roundTripsPerDuplicate"] = Replay is null ? null : Math.Round(LedgerPerDuplicate, 4),
            },
            ["aws"] = new JsonObject { ["sts"] = StsCalls, ["codePipeline"] = CodePipelineCalls, ["perEvent"] = Math.Round(AwsPerEvent, 4), ["stsDuringWarmup"] = StsDuringWarmup },
            ["memory"] = new JsonObject
            {
                ["peakWorkingSetMb"] = Math.Round(Mb(PeakWorkingSet), 1),
                ["runtimeOnlyWorkingSetMb"] = Math.Round(Mb(RuntimeOnlyWorkingSet), 1),
                ["afterStartWorkingSetMb"] = Math.Round(Mb(AfterStartWorkingSet), 1),
                ["heapAfterMb"] = Math.Round(Mb(HeapAfter), 1),
                ["gcHeapSizeMb"] = Math.Round(Mb(GcHeapSize), 1),
                ["gcCommittedMb"] = Math.Round(Mb(GcCommitted), 1),
            },
            ["correctness"] = new JsonObject
            {
                ["slots"] = expected.Final.Count,
                ["wrong"] = Wrong.Count,
                ["wrongAfterReplay"] = WrongAfterReplay.Count,
                ["examples"] = new JsonArray([.. Wrong.Concat(WrongAfterReplay).Take(10).Select(s => (JsonNode?)s)]),
            },
            ["targets"] = targets,
        };
        if (Replay is { } r)
        {
            var phase = Phase(r);
            phase["githubPosts"] = ReplayGitHub;
            phase["awsCalls"] = ReplayAws;
            root["replay"] = phase;
        }
        if (Warm is { } warm) root["warmup"] = Phase(warm);
        if (Settle.Count > 0) root["settleJitMethods"] = new JsonArray(Settle.Select(n => (JsonNode)n).ToArray());
        if (AtRate is { } atRate)
        {
            var phase = Phase(atRate);
            phase["rate"] = o.Rate;
            phase["wrongSlots"] = WrongAtRate.Count;
            root["openLoop"] = phase;
        }
        if (Health is { } h) root["baselineHealth"] = Phase(h);
        if (Direct is { } d) root["baselineGitHubDirect"] = Phase(d);
        if (Breakdown.Count > 0)
        {
            var parts = new JsonObject();
            foreach (var b in Breakdown) parts[b.Name] = Phase(b);
            root["breakdownInProcess"] = parts;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
