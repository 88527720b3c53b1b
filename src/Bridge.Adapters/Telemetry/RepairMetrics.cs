using System.Diagnostics.Metrics;
using Bridge.Core.Repair;

namespace Bridge.Adapters.Telemetry;

/// <summary>What the repair sweep did, on the product's meter (<see cref="BridgeTelemetry.Meter"/>).</summary>
public static class RepairMetrics
{
    /// <summary>Pending slots the sweep looked at, by <c>action</c> (posted, gave-up, unchanged, newer, running, not-found, failed, skipped).</summary>
    public const string ActionsCounter = "bridge.repair.actions";

    /// <summary>Sweeps run, by <c>result</c> (ok, or failed when the ledger could not be listed).</summary>
    public const string SweepsCounter = "bridge.repair.sweeps";

    private static readonly Counter<long> Actions = BridgeTelemetry.Meter.CreateCounter<long>(ActionsCounter, "{slot}",
        "Pending commit statuses the repair sweep looked at, by what it did.");

    private static readonly Counter<long> Sweeps = BridgeTelemetry.Meter.CreateCounter<long>(SweepsCounter, "{sweep}",
        "Repair sweeps run, by result.");

    public static void Swept(RepairReport report)
    {
        Sweeps.Add(1, new KeyValuePair<string, object?>("result", "ok"));
        foreach (var (action, count) in report.Actions)
            Actions.Add(count, new KeyValuePair<string, object?>("action", action.Word()));
    }

    public static void SweepFailed() => Sweeps.Add(1, new KeyValuePair<string, object?>("result", "failed"));
}
