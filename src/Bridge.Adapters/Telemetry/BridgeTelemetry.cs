using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bridge.Core.Handling;

namespace Bridge.Adapters.Telemetry;

/// <summary>
/// The bridge's traces and metrics, named once. One <see cref="ActivitySource"/> and one <see cref="Meter"/>, both
/// <see cref="Name"/>; the OpenTelemetry wiring (<see cref="TelemetryServiceCollectionExtensions"/>) subscribes to both.
/// Tags carry names and identifiers only (pipeline, execution, repository, sha, outcome): never a token, key, header
/// or URL, so nothing secret can reach Application Insights through them.
/// </summary>
public static class BridgeTelemetry
{
    public const string Name = "CodePipelineGitHubBridge";

    /// <summary>One span per event EventBridge delivers.</summary>
    public const string EventSpan = "codepipeline-event";

    public const string EventsCounter = "bridge.events";
    public const string StatusesCounter = "bridge.statuses";
    public const string UpstreamDuration = "bridge.upstream.duration";
    public const string RateLimitWaits = "bridge.ratelimit.waits";
    public const string LedgerContention = "bridge.ledger.contention";
    public const string LedgerTakeovers = "bridge.ledger.takeovers";

    public const string UpstreamTag = "bridge.upstream";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(EventsCounter, "{event}", "Events answered, by outcome and HTTP status.");
    private static readonly Counter<long> Statuses = Meter.CreateCounter<long>(StatusesCounter, "{status}", "Commit statuses posted to GitHub, by pipeline state.");
    private static readonly Histogram<double> Upstream = Meter.CreateHistogram<double>(UpstreamDuration, "s", "Duration of calls to an upstream (codepipeline, sts, keyvault, github, ledger), by result.");
    private static readonly Counter<long> Waits = Meter.CreateCounter<long>(RateLimitWaits, "{wait}", "Waits for GitHub's rate limit, by upstream.");
    private static readonly Counter<long> Contention = Meter.CreateCounter<long>(LedgerContention, "{conflict}", "Ledger writes that lost a race to another instance.");
    private static readonly Counter<long> Takeovers = Meter.CreateCounter<long>(LedgerTakeovers, "{lease}", "Ledger leases taken over from a writer that did not finish.");

    /// <summary>The event's span; null when nothing listens.</summary>
    public static Activity? StartEvent() => Source.StartActivity(EventSpan, ActivityKind.Internal);

    /// <summary>Tags the event's span with what was decided and counts the answer.</summary>
    public static void EventAnswered(Activity? activity, EventResult result)
    {
        var outcome = result.Outcome.Word();
        Events.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("http.response.status_code", result.StatusCode));
        foreach (var revision in result.Revisions.Where(r => r.Outcome == Outcome.Posted))
            Statuses.Add(1, new KeyValuePair<string, object?>("pipeline.state", result.Event?.State ?? "unknown"));
        if (activity is null) return;
        activity.SetTag("bridge.outcome", outcome);
        activity.SetTag("http.response.status_code", result.StatusCode);
        if (result.Event is { } e)
        {
            activity.SetTag("codepipeline.pipeline", e.Pipeline);
            activity.SetTag("codepipeline.execution_id", e.ExecutionId);
            activity.SetTag("codepipeline.state", e.State);
        }
        if (result.Revisions.Count > 0)
        {
            activity.SetTag("github.repository", string.Join(",", result.Revisions.Select(r => r.Repository).Distinct()));
            activity.SetTag("github.sha", string.Join(",", result.Revisions.Select(r => r.Sha).Where(s => s is not null).Distinct()));
        }
        activity.SetStatus(result.StatusCode >= 500 || result.StatusCode == 424 ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
    }

    /// <summary>An event answered without a decision (too large, or an unexpected error).</summary>
    public static void EventAnswered(Activity? activity, string outcome, int statusCode)
    {
        Events.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("http.response.status_code", statusCode));
        activity?.SetTag("bridge.outcome", outcome);
        activity?.SetTag("http.response.status_code", statusCode);
        activity?.SetStatus(statusCode >= 500 ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
    }

    /// <summary>
    /// A call to one upstream: a child span tagged <see cref="UpstreamTag"/> (HttpClient's own spans nest under it) and
    /// its duration, by result, when disposed. Call <see cref="UpstreamCall.Succeeded"/> before disposing on success.
    /// </summary>
    public static UpstreamCall StartUpstream(string upstream, string operation) => new(upstream, operation);

    public static void RateLimitWait(string upstream) => Waits.Add(1, new KeyValuePair<string, object?>(UpstreamTag, upstream));

    public static void LedgerConflict() => Contention.Add(1);

    public static void LedgerTakeover() => Takeovers.Add(1);

    public sealed class UpstreamCall : IDisposable
    {
        private readonly string _upstream;
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly Activity? _activity;
        private string _result = "error";

        internal UpstreamCall(string upstream, string operation)
        {
            _upstream = upstream;
            _activity = Source.StartActivity($"{upstream} {operation}", ActivityKind.Internal);
            _activity?.SetTag(UpstreamTag, upstream);
        }

        public void Succeeded() => _result = "ok";

        public void Failed(string kind) => _result = kind;

        public void Dispose()
        {
            Upstream.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new KeyValuePair<string, object?>(UpstreamTag, _upstream), new KeyValuePair<string, object?>("result", _result));
            if (_activity is null) return;
            _activity.SetTag("bridge.result", _result);
            if (_result != "ok") _activity.SetStatus(ActivityStatusCode.Error);
            _activity.Dispose();
        }
    }
}
