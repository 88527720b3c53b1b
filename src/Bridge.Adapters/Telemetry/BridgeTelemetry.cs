using System.Diagnostics;
using System.Globalization;
using System.Diagnostics.Metrics;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Telemetry;

namespace Bridge.Adapters.Telemetry;

/// <summary>
/// The bridge's traces and metrics, named once. One <see cref="ActivitySource"/> and one <see cref="Meter"/>, both
/// <see cref="Name"/>; the OpenTelemetry wiring (<see cref="TelemetryServiceCollectionExtensions"/>) subscribes to both.
/// Tags carry names and identifiers only (pipeline, execution, repository, sha, outcome): never a token, key, header
/// or URL, so nothing secret can reach Application Insights through them.
/// </summary>
public static class BridgeTelemetry
{
    /// <summary>The product's name (<see cref="BridgeMeter.Name"/>, written once in the core).</summary>
    public const string Name = BridgeMeter.Name;

    /// <summary>One span per event EventBridge delivers.</summary>
    public const string EventSpan = "codepipeline-event";

    public const string EventsCounter = "bridge.events";
    public const string StatusesCounter = "bridge.statuses";
    public const string UpstreamDuration = "bridge.upstream.duration";
    public const string RateLimitWaits = "bridge.ratelimit.waits";
    public const string LedgerContention = LedgerMetrics.ContentionCounter;
    public const string LedgerTakeovers = LedgerMetrics.TakeoversCounter;

    public const string UpstreamTag = "bridge.upstream";

    public static readonly ActivitySource Source = new(Name);
    /// <summary>The core's meter: one Meter for the product, whichever layer records.</summary>
    public static Meter Meter => BridgeMeter.Meter;

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(EventsCounter, "{event}", "Events answered, by outcome and HTTP status.");
    private static readonly Counter<long> Statuses = Meter.CreateCounter<long>(StatusesCounter, "{status}", "Commit statuses posted to GitHub, by pipeline state.");
    private static readonly Histogram<double> Upstream = Meter.CreateHistogram<double>(UpstreamDuration, "s", "Duration of calls to an upstream (codepipeline, sts, keyvault, github, ledger), by result.");
    private static readonly Counter<long> Waits = Meter.CreateCounter<long>(RateLimitWaits, "{wait}", "Waits for GitHub's rate limit, by upstream.");

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
    /// its duration, by result, when disposed. Call <see cref="UpstreamCall.Succeeded()"/> before disposing on success.
    /// </summary>
    public static UpstreamCall StartUpstream(string upstream, string operation) => new(upstream, operation);

    public static void RateLimitWait(string upstream) => Waits.Add(1, new KeyValuePair<string, object?>(UpstreamTag, upstream));

    public sealed class UpstreamCall : IDisposable
    {
        private readonly string _upstream;
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly Activity? _activity;
        private string _result = "error";
        private bool _expected;

        internal UpstreamCall(string upstream, string operation)
        {
            _upstream = upstream;
            _activity = Source.StartActivity($"{upstream} {operation}", ActivityKind.Internal);
            _activity?.SetTag(UpstreamTag, upstream);
        }

        public void Succeeded() => _result = "ok";

        /// <summary>Ended as the protocol expects but not as "ok" (a ledger write that lost a race: "conflict"); not an error.</summary>
        public void Succeeded(string result) => (_result, _expected) = (result, true);

        public void Failed(string kind) => _result = kind;

        /// <summary>
        /// Tags the call with the HTTP status the upstream answered (0, no answer, leaves "error"). Returns false, so a
        /// catch filter can call it to observe an exception without catching it.
        /// </summary>
        public bool Answered(int status)
        {
            if (status != 0) _result = status.ToString(CultureInfo.InvariantCulture);
            return false;
        }

        public void Dispose()
        {
            Upstream.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new KeyValuePair<string, object?>(UpstreamTag, _upstream), new KeyValuePair<string, object?>("result", _result));
            if (_activity is null) return;
            _activity.SetTag("bridge.result", _result);
            if (_result != "ok" && !_expected) _activity.SetStatus(ActivityStatusCode.Error);
            _activity.Dispose();
        }
    }
}
