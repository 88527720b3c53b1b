using System.Diagnostics;
using Bridge.Adapters.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Bridge.Tests.Support;

/// <summary>
/// The bridge's source and meter exported through OpenTelemetry's in-memory exporter, as a host's exporter would see
/// them. Spans can be told apart per test by trace; metrics cannot, so tests that read them run in
/// <see cref="TelemetryCollection"/>, alone.
/// </summary>
public sealed class InMemoryTelemetry : IDisposable
{
    /// <summary>The source tests start their root span from, so their spans form one trace of their own.</summary>
    public static readonly ActivitySource TestSource = new("Bridge.Tests.InMemoryTelemetry");

    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;

    public InMemoryTelemetry()
    {
        // HttpClient's and ASP.NET Core's own sources too: they carry the trace from the test's client into the host.
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource(BridgeTelemetry.Name, TestSource.Name, "System.Net.Http", "Microsoft.AspNetCore")
            .AddInMemoryExporter(_spans).Build();
        _meter = Sdk.CreateMeterProviderBuilder().AddMeter(BridgeTelemetry.Name).AddInMemoryExporter(_metrics).Build();
    }

    /// <summary>The finished spans of one trace.</summary>
    public IReadOnlyList<Activity> Spans(ActivityTraceId trace)
    {
        _tracer.ForceFlush();
        lock (_spans) return _spans.Where(s => s.TraceId == trace).ToList();
    }

    /// <summary>The sum of a counter, or the count of a histogram, over the points whose tags include <paramref name="tags"/>.</summary>
    public long Total(string instrument, params (string Key, object? Value)[] tags)
    {
        lock (_metrics) _metrics.Clear();
        _meter.ForceFlush();
        long total = 0;
        lock (_metrics)
        {
            foreach (var metric in _metrics.Where(m => m.Name == instrument))
                foreach (var point in metric.MetricPoints)
                {
                    var pointTags = new Dictionary<string, object?>();
                    foreach (var t in point.Tags) pointTags[t.Key] = t.Value;
                    if (!tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(v, t.Value))) continue;
                    total += metric.MetricType == MetricType.Histogram ? point.GetHistogramCount() : point.GetSumLong();
                }
        }
        return total;
    }

    public void Dispose()
    {
        _tracer.Dispose();
        _meter.Dispose();
    }
}

/// <summary>Tests that read the product's metrics: a static meter counts for every test, so these run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry (metrics, run alone)";
}
