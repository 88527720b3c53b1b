using System.Text.Json.Nodes;
using Bridge.Core.Statuses;

namespace Bridge.Tests.Support;

/// <summary>One delivery EventBridge may make: an event of some execution, possibly a duplicate, in any order.</summary>
public sealed record Delivery(JsonObject Event, string ExecutionId, string State);

/// <summary>
/// Realistic event histories of several executions that built the same commit: re-runs, a stopped run (STOPPING then
/// STOPPED), a failed stage retried (RESUMED, attempt 2), older runs SUPERSEDED or CANCELED, one still running.
/// </summary>
public sealed record History(string Pipeline, string Repository, string Sha, IReadOnlyList<Delivery> Events, string NewestExecutionId, CommitState ExpectedState, string ExpectedDescription)
{
    public IEnumerable<string> ExecutionIds => Events.Select(e => e.ExecutionId).Distinct();

    public string Context => $"codepipeline/{Pipeline}";

    private static readonly string[][] Paths =
    [
        ["STARTED", "SUCCEEDED"],
        ["STARTED", "FAILED"],
        ["STARTED", "STOPPING", "STOPPED"],
        ["STARTED", "FAILED", "RESUMED", "SUCCEEDED"],
        ["STARTED", "FAILED", "RESUMED", "FAILED"],
        ["STARTED", "CANCELED"],
        ["STARTED"],
    ];

    /// <param name="useTrigger">True: events name the commit (V2 trigger). False: the bridge must ask CodePipeline.</param>
    public static History Generate(Random rng, int caseNumber, double duplicateRate = 0.2, bool useTrigger = true)
    {
        var pipeline = "prop";
        var repo = "octo-org/prop";
        var sha = $"{caseNumber:x}".PadLeft(40, '0');
        var t0 = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        var executions = rng.Next(1, 4);
        var events = new List<Delivery>();
        (string Id, string State)? newestLast = null;
        for (var i = 0; i < executions; i++)
        {
            var id = $"{caseNumber:x8}-0000-4000-8000-{i:x12}";
            var start = t0.AddMinutes(i * 3).AddSeconds(rng.Next(0, 60));
            var newest = i == executions - 1;
            // An older run that the next one overtook ends SUPERSEDED (or CANCELED by a pipeline update) — or its own way.
            var path = !newest && rng.NextDouble() < 0.4 ? (rng.NextDouble() < 0.7 ? ["STARTED", "SUPERSEDED"] : new[] { "STARTED", "CANCELED" })
                : Paths[rng.Next(Paths.Length)];
            var attempt = 1;
            for (var k = 0; k < path.Length; k++)
            {
                if (path[k] == "RESUMED") attempt++;
                var e = TestEvents.Pipeline(path[k], pipeline, id, time: start.AddSeconds(30 * k + (path[k] == "SUPERSEDED" ? 400 : 0)),
                    startTime: start, trigger: useTrigger ? TestEvents.GitTrigger(sha, repo) : null, attempt: attempt);
                events.Add(new Delivery(e, id, path[k]));
                if (rng.NextDouble() < duplicateRate) events.Add(new Delivery(e.DeepClone().AsObject(), id, path[k]));
            }
            if (newest) newestLast = (id, path.Last(s => StateTable.ForPipeline(s) is not null));
        }
        var mapping = StateTable.ForPipeline(newestLast!.Value.State)!;
        var shuffled = events.OrderBy(_ => rng.Next()).ToList();
        return new History(pipeline, repo, sha, shuffled, newestLast.Value.Id, mapping.State, $"Pipeline {pipeline} {mapping.Phrase}");
    }
}
