using System.Diagnostics.Metrics;

namespace Bridge.Core.Telemetry;

/// <summary>
/// The product's one name for its traces and metrics, written once, and its one <see cref="System.Diagnostics.Metrics.Meter"/>.
/// It lives in the core because the ledger protocol (<c>StatusSlot</c>) counts contention and takeovers where it
/// decides them; the adapters' <c>BridgeTelemetry</c> names its ActivitySource after it and adds its instruments to
/// this meter. System.Diagnostics.Metrics is part of the runtime, so the core still references no SDK.
/// </summary>
public static class BridgeMeter
{
    public const string Name = "CodePipelineGitHubBridge";

    public static readonly Meter Meter = new(Name);
}
