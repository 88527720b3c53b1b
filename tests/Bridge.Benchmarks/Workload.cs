using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Sandbox;

namespace Bridge.Benchmarks;

/// <summary>How the bridge finds an execution's commit.</summary>
internal enum SourceKind
{
    /// <summary>V2 Git-triggered: <c>detail.execution-trigger</c> names the commit, no AWS call.</summary>
    Trigger,
    /// <summary>GitHub (version 1) source: GetPipelineExecution, <c>https://github.com/{owner}/{repo}/commit/{sha}</c>.</summary>
    GitHubV1,
    /// <summary>CodeConnections source: GetPipelineExecution, console redirect URL + JSON summary.</summary>
    Connections,
    /// <summary>GitHub v1 source plus an S3 source that the bridge skips.</summary>
    GitHubV1PlusS3,
    /// <summary>CodeConnections source plus an S3 source that the bridge skips.</summary>
    ConnectionsPlusS3,
}

internal sealed record ExecutionSpec(
    string Id, string Pipeline, string Owner, string Repo, string Sha, DateTimeOffset Start, DateTimeOffset End, string Terminal, SourceKind Source)
{
    public string FullName => $"{Owner}/{Repo}";
    public string Context => $"codepipeline/{Pipeline}";
    public SlotKey Slot => new(FullName.ToLowerInvariant(), Sha, Context);
}

/// <summary>One GitHub status slot: GitHub shows the newest status per (repository, sha, context).</summary>
internal readonly record struct SlotKey(string Repo, string Sha, string Context);

/// <summary>One delivery to the bridge, in send order. A duplicate shares its id and body with the original.</summary>
internal sealed record EventSpec(ExecutionSpec Execution, string State, DateTimeOffset Time, string EventId, bool IsDuplicate, bool IsLate)
{
    public byte[] Body { get; init; } = [];
    public bool IsTerminal => State != "STARTED";
}

/// <summary>
/// A deterministic day of pipeline executions over a set of repositories, the events EventBridge would deliver for
/// it (in delivery order, with duplicates and late STARTED events), and what GitHub should show at the end.
/// </summary>
internal sealed class Workload
{
    public const string Account = "111122223333";
    public const string Region = "eu-west-1";
    public const string Owner = "octo-org";
    private static readonly DateTimeOffset Day = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private static readonly string ConnectionArn = SeededRevision.ConnectionArn(Region, Account, "4f1e2d3c-5b6a-4978-8a9b-0c1d2e3f4a5b");

    public required IReadOnlyList<ExecutionSpec> Executions { get; init; }
    public required IReadOnlyList<EventSpec> Events { get; init; }

    public int Repositories { get; init; }

    public static Workload Generate(string prefix, int executions, int repos, int seed, BenchOptions o)
    {
        var rng = new Random(seed);

        // Start times over one day, in order, to the millisecond (the precision of detail.start-time).
        var starts = Enumerable.Range(0, executions)
            .Select(_ => Day.AddMilliseconds(Math.Floor(rng.NextDouble() * 86_400_000)))
            .Order().ToArray();

        var lastCommit = new Dictionary<int, string>();
        var list = new List<ExecutionSpec>(executions);
        foreach (var start in starts)
        {
            // Some repositories are busier than others.
            var r = Math.Min(repos - 1, (int)(repos * Math.Pow(rng.NextDouble(), 1.5)));
            var repo = $"{prefix}-{r:D2}";
            var rerun = lastCommit.TryGetValue(r, out var previous) && rng.NextDouble() < o.RerunShare;
            var sha = rerun ? previous! : Hex(rng, 20);
            lastCommit[r] = sha;
            var roll = rng.NextDouble();
            var terminal = roll < 0.82 ? "SUCCEEDED" : roll < 0.92 ? "FAILED" : roll < 0.96 ? "STOPPED" : "SUPERSEDED";
            var source = rng.NextDouble() < o.TriggerShare ? SourceKind.Trigger : rng.NextDouble() switch
            {
                < 0.4 => SourceKind.GitHubV1,
                < 0.8 => SourceKind.Connections,
                < 0.9 => SourceKind.GitHubV1PlusS3,
                _ => SourceKind.ConnectionsPlusS3,
            };
            var end = start.AddSeconds(120 + rng.Next(1080));
            list.Add(new ExecutionSpec(Uuid(rng), repo, Owner, repo, sha, start, end, terminal, source));
        }

        // Delivery order: by emission time; then late STARTED events moved behind their terminal event, and
        // duplicates inserted a few places after the original (EventBridge delivers at least once, unordered).
        var emitted = list.SelectMany(x => new[]
            {
                (x, State: "STARTED", Time: Truncate(x.Start.AddSeconds(1))),
                (x, State: x.Terminal, Time: Truncate(x.End)),
            })
            .OrderBy(e => e.Time).ThenBy(e => e.State == "STARTED" ? 0 : 1)
            .Select((e, i) => (e.x, e.State, e.Time, Key: (double)i))
            .ToList();
        var terminalKey = emitted.Where(e => e.State != "STARTED").ToDictionary(e => e.x.Id, e => e.Key);
        var late = list.Where(_ => rng.NextDouble() < o.LateRate).Select(x => x.Id).ToHashSet();

        var events = new List<(EventSpec Event, double Key)>();
        foreach (var (x, state, time, key) in emitted)
        {
            var isLate = state == "STARTED" && late.Contains(x.Id);
            var e = new EventSpec(x, state, time, DeterministicId(x.Id, state), IsDuplicate: false, isLate) { Body = Body(x, state, time) };
            events.Add((e, isLate ? terminalKey[x.Id] + rng.Next(1, 9) + 0.5 : key));
        }
        foreach (var (e, key) in events.ToArray())
        {
            if (rng.NextDouble() < o.DuplicateRate)
                events.Add((e with { IsDuplicate = true }, key + rng.Next(0, 11) + 0.25));
        }

        return new Workload
        {
            Executions = list,
            Events = [.. events.OrderBy(e => e.Key).Select(e => e.Event)],
            Repositories = list.Select(x => x.Repo).Distinct().Count(),
        };
    }

    /// <summary>What GetPipelineExecution answers for the executions that need it (trigger ones are not seeded: a call for one fails).</summary>
    public void Seed(FakeCodePipeline codePipeline)
    {
        foreach (var x in Executions)
        {
            var github = x.Source switch
            {
                SourceKind.GitHubV1 or SourceKind.GitHubV1PlusS3 => SeededRevision.GitHubV1(x.Owner, x.Repo, x.Sha, "Update", "AppSource"),
                SourceKind.Connections or SourceKind.ConnectionsPlusS3 => SeededRevision.CodeConnections(Region, ConnectionArn, x.FullName, x.Sha, name: "AppSource"),
                _ => null,
            };
            if (github is null) continue;
            SeededRevision[] revisions = x.Source is SourceKind.GitHubV1PlusS3 or SourceKind.ConnectionsPlusS3
                ? [github, SeededRevision.S3("3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", "config.zip", "ConfigSource")]
                : [github];
            codePipeline.AddExecution(x.Pipeline, x.Id, PipelineExecutionStatus.InProgress, revisions);
        }
    }

    private static byte[] Body(ExecutionSpec x, string state, DateTimeOffset time)
    {
        var detail = new JsonObject
        {
            ["pipeline"] = x.Pipeline,
            ["execution-id"] = x.Id,
            ["start-time"] = x.Start.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        switch (x.Source)
        {
            case SourceKind.Trigger:
                detail["execution-trigger"] = new JsonObject
                {
                    ["full-repository-name"] = x.FullName,
                    ["provider-type"] = "GitHub",
                    ["branch-name"] = "main",
                    ["commit-id"] = x.Sha,
                    ["connection-arn"] = ConnectionArn,
                    ["author-display-name"] = "Ada",
                    ["commit-message"] = "Update",
                };
                break;
            case SourceKind.Connections or SourceKind.ConnectionsPlusS3:
                // A V2 pipeline started by a webhook: a trigger without the commit, so the bridge must ask AWS.
                detail["execution-trigger"] = new JsonObject { ["trigger-type"] = "Webhook", ["trigger-detail"] = ConnectionArn };
                break;
        }
        detail["state"] = state;
        detail["version"] = 3.0;
        detail["pipeline-execution-attempt"] = 1.0;
        var envelope = new JsonObject
        {
            ["version"] = "0",
            ["id"] = DeterministicId(x.Id, state),
            ["detail-type"] = "CodePipeline Pipeline Execution State Change",
            ["source"] = "aws.codepipeline",
            ["account"] = Account,
            ["time"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["region"] = Region,
            ["resources"] = new JsonArray($"arn:aws:codepipeline:{Region}:{Account}:{x.Pipeline}"),
            ["detail"] = detail,
        };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }

    /// <summary>EventBridge's event id: one per emitted event, so a redelivery carries the same one.</summary>
    private static string DeterministicId(string executionId, string state) =>
        new Guid(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(executionId + "/" + state)).AsSpan(0, 16)).ToString();

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static string Uuid(Random rng)
    {
        Span<byte> b = stackalloc byte[16];
        rng.NextBytes(b);
        return new Guid(b).ToString();
    }

    private static string Hex(Random rng, int bytes)
    {
        var b = new byte[bytes];
        rng.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }
}

/// <summary>
/// What the ordering rules (docs/architecture.md) should produce, computed independently of the bridge's code:
/// replaying the events one at a time in send order, how many statuses differ from what the slot last showed
/// (the number of POSTs a perfect bridge makes), and which status each slot must end on.
/// </summary>
internal sealed class Expectation
{
    /// <summary>Statuses a perfect bridge posts when the events are handled one at a time in send order.</summary>
    public required int DistinctStatusChanges { get; init; }

    /// <summary>Every distinct status the workload could ever produce: one per (execution, state). Concurrency may change
    /// which of them get posted (a terminal event overtaking its STARTED saves a POST; an older execution's result
    /// handled before a newer one started costs one), never the upper bound.</summary>
    public required int DistinctStatusesAtMost { get; init; }
    public required IReadOnlyDictionary<SlotKey, ExecutionSpec> Final { get; init; }

    public static string Wire(string state) => state switch
    {
        "STARTED" => "pending",
        "SUCCEEDED" => "success",
        "FAILED" => "failure",
        _ => "error",
    };

    /// <summary>For every slot, GitHub must show the terminal state of the newest execution that built that commit; what does not.</summary>
    public List<string> WrongOn(FakeGitHub github)
    {
        var wrong = new List<string>();
        foreach (var (_, x) in Final)
        {
            var shown = github.Latest(x.FullName, x.Sha, x.Context);
            var want = Wire(x.Terminal);
            if (shown is null) wrong.Add($"{x.FullName}@{x.Sha[..7]} [{x.Context}]: nothing posted, expected {want} of {x.Id}");
            else if (shown.State != want || ExecutionOf(shown.TargetUrl) != x.Id)
                wrong.Add($"{x.FullName}@{x.Sha[..7]} [{x.Context}]: shows {shown.State} of {ExecutionOf(shown.TargetUrl)}, expected {want} of {x.Id}");
        }
        return wrong;
    }

    /// <summary>The execution id in a status's console link.</summary>
    public static string ExecutionOf(string? targetUrl)
    {
        if (targetUrl is null) return "?";
        var from = targetUrl.IndexOf("/executions/", StringComparison.Ordinal);
        if (from < 0) return "?";
        from += "/executions/".Length;
        var to = targetUrl.IndexOf('/', from);
        return to < 0 ? targetUrl[from..] : targetUrl[from..to];
    }

    public static Expectation Of(Workload w)
    {
        var last = new Dictionary<SlotKey, EventSpec>();
        var changes = 0;
        foreach (var e in w.Events)
        {
            var slot = e.Execution.Slot;
            if (last.TryGetValue(slot, out var shown) && Compare(e, shown) <= 0) continue; // stale or duplicate
            // Newer: a status differs from the shown one unless it is the same execution and state (it never is here).
            if (shown is null || shown.Execution.Id != e.Execution.Id || shown.State != e.State) changes++;
            last[slot] = e;
        }

        // Whatever the delivery order, a slot must end on the terminal state of its newest execution.
        var final = w.Executions.GroupBy(x => x.Slot)
            .ToDictionary(g => g.Key, g => g.OrderBy(x => x.Start).ThenBy(x => x.Id, StringComparer.Ordinal).Last());
        var atMost = w.Events.Select(e => (e.Execution.Id, e.State)).Distinct().Count();
        return new Expectation { DistinctStatusChanges = changes, DistinctStatusesAtMost = atMost, Final = final };
    }

    /// <summary>Positive when <paramref name="a"/> is newer: a newer execution wins; within one, terminal beats pending, then a later event wins.</summary>
    private static int Compare(EventSpec a, EventSpec b)
    {
        if (a.Execution.Id != b.Execution.Id)
        {
            var byStart = a.Execution.Start.CompareTo(b.Execution.Start);
            return byStart != 0 ? byStart : string.CompareOrdinal(a.Execution.Id, b.Execution.Id);
        }
        var byRank = a.IsTerminal.CompareTo(b.IsTerminal);
        return byRank != 0 ? byRank : a.Time.CompareTo(b.Time);
    }
}
