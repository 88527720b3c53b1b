using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Repair;

namespace Bridge.Tests.Adapters.Telemetry;

/// <summary>What an operator sees of the repair sweep on the product's meter.</summary>
public sealed class RepairMetricsTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, string? Action, string? Result)> _seen = new();

    public RepairMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BridgeTelemetry.Name && instrument.Name.StartsWith("bridge.repair.", StringComparison.Ordinal))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? action = null, result = null;
            foreach (var t in tags)
            {
                if (t.Key == "action") action = (string?)t.Value;
                if (t.Key == "result") result = (string?)t.Value;
            }
            _seen.Enqueue((instrument.Name, value, action, result));
        });
        _listener.Start();
    }

    [Fact]
    public void A_sweep_counts_each_action_by_name()
    {
        // Counts no other test produces, since the meter is shared by tests running alongside.
        var report = new RepairReport(default, 1046, 1000, new Dictionary<RepairAction, int>
        {
            [RepairAction.Posted] = 1013,
            [RepairAction.GaveUp] = 1017,
            [RepairAction.NotFound] = 1016,
        });

        RepairMetrics.Swept(report);

        Assert.Contains((RepairMetrics.ActionsCounter, 1013L, "posted", (string?)null), _seen);
        Assert.Contains((RepairMetrics.ActionsCounter, 1017L, "gave-up", (string?)null), _seen);
        Assert.Contains((RepairMetrics.ActionsCounter, 1016L, "not-found", (string?)null), _seen);
        Assert.Contains((RepairMetrics.SweepsCounter, 1L, (string?)null, "ok"), _seen);
    }

    public void Dispose() => _listener.Dispose();
}
