using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Bridge.Adapters.Telemetry;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.Telemetry;

/// <summary>
/// The bridge's spans and metrics over real HTTP through the Kestrel host. Every test runs its request under a root
/// activity of its own and keeps only the spans and measurements of that trace, so tests running alongside (which
/// share the static source and meter) cannot make these pass or fail.
/// </summary>
public sealed class BridgeTelemetryTests : IAsyncLifetime, IDisposable
{
    private static readonly ActivitySource TestSource = new("Bridge.Tests.Telemetry");

    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags, ActivityTraceId Trace)> _measurements = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private BridgeHarness _h = null!;
    private Activity? _root;

    public BridgeTelemetryTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name is BridgeTelemetry.Name or "Bridge.Tests.Telemetry" or "System.Net.Http" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _spans.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BridgeTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Activity.Current is not { } current) return;
        var d = new Dictionary<string, object?>();
        foreach (var t in tags) d[t.Key] = t.Value;
        _measurements.Enqueue((instrument.Name, value, d, current.TraceId));
    }

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync();
        _h.SeedSampleExecutions();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public void Dispose()
    {
        _root?.Dispose();
        _activities.Dispose();
        _meters.Dispose();
    }

    private async Task<HttpResponseMessage> PostTracedAsync(string sample)
    {
        _root = TestSource.StartActivity("test-root");
        Assert.NotNull(_root);
        try
        {
            return await _h.PostSampleAsync(sample);
        }
        finally
        {
            _root.Stop();
        }
    }

    private IEnumerable<Activity> Spans => _spans.Where(s => s.TraceId == _root!.TraceId);

    private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements =>
        _measurements.Where(m => m.Trace == _root!.TraceId).Select(m => (m.Instrument, m.Value, m.Tags));

    [Fact]
    public async Task An_event_is_one_span_tagged_with_what_was_decided_with_a_child_span_per_upstream()
    {
        using var response = await PostTracedAsync("01-web-app.github-v1.started.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = Assert.Single(Spans, s => s.OperationName == BridgeTelemetry.EventSpan);
        Assert.Equal("web-app", e.GetTagItem("codepipeline.pipeline"));
        Assert.NotNull(e.GetTagItem("codepipeline.execution_id"));
        Assert.Equal("octo-org/web-app", e.GetTagItem("github.repository"));
        Assert.Equal("4b825dc642cb6eb9a060e54bf8d69288fbee4904", e.GetTagItem("github.sha"));
        Assert.Equal("posted", e.GetTagItem("bridge.outcome"));
        var upstreams = Spans.Where(s => s.ParentSpanId == e.SpanId && s.GetTagItem(BridgeTelemetry.UpstreamTag) is not null)
            .Select(s => (string)s.GetTagItem(BridgeTelemetry.UpstreamTag)!).ToHashSet();
        Assert.Superset(new HashSet<string> { "codepipeline", "github" }, upstreams);
        // HttpClient's own spans nest under the upstream spans.
        Assert.Contains(Spans, s => s.Source.Name == "System.Net.Http" && Spans.Any(p => p.SpanId == s.ParentSpanId && p.GetTagItem(BridgeTelemetry.UpstreamTag) is "github"));
    }

    [Fact]
    public async Task No_span_carries_a_secret()
    {
        using var response = await PostTracedAsync("01-web-app.github-v1.started.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = string.Join("\n", Spans.SelectMany(s => s.TagObjects.Select(t => $"{s.OperationName} {t.Key}={t.Value}")));
        Assert.NotEmpty(text);
        foreach (var secret in new[] { TestSecrets.GitHubToken, TestSecrets.FunctionKey, TestSecrets.BaseSecretAccessKey, "Authorization", "?code=", "&code=" })
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Events_statuses_and_upstream_durations_are_counted()
    {
        using var response = await PostTracedAsync("01-web-app.github-v1.started.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answered = Assert.Single(Measurements, m => m.Instrument == BridgeTelemetry.EventsCounter);
        Assert.Equal("posted", answered.Tags["outcome"]);
        Assert.Equal(200, answered.Tags["http.response.status_code"]);
        var status = Assert.Single(Measurements, m => m.Instrument == BridgeTelemetry.StatusesCounter);
        Assert.Equal("STARTED", status.Tags["pipeline.state"]);
        Assert.Contains(Measurements, m => m.Instrument == BridgeTelemetry.UpstreamDuration && m.Tags[BridgeTelemetry.UpstreamTag] is "codepipeline" && m.Tags["result"] is "ok");
        Assert.Contains(Measurements, m => m.Instrument == BridgeTelemetry.UpstreamDuration && m.Tags[BridgeTelemetry.UpstreamTag] is "github" && m.Tags["result"] is "ok");
    }

    [Fact]
    public async Task A_misconfiguration_is_counted_with_its_424()
    {
        _h.GitHub.RevokeToken(TestSecrets.GitHubToken);

        using var response = await PostTracedAsync("01-web-app.github-v1.started.json");

        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        var answered = Assert.Single(Measurements, m => m.Instrument == BridgeTelemetry.EventsCounter);
        Assert.Equal("misconfigured", answered.Tags["outcome"]);
        Assert.Equal(424, answered.Tags["http.response.status_code"]);
        Assert.Contains(Measurements, m => m.Instrument == BridgeTelemetry.UpstreamDuration && m.Tags[BridgeTelemetry.UpstreamTag] is "github" && m.Tags["result"] is "401");
        Assert.DoesNotContain(Measurements, m => m.Instrument == BridgeTelemetry.StatusesCounter);
    }
}
