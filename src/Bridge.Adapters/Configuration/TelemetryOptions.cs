namespace Bridge.Adapters.Configuration;

/// <summary>
/// How much of the bridge's tracing Application Insights receives (every span is billed). Section <c>Telemetry</c>;
/// applies to the Azure Monitor exporter (APPLICATIONINSIGHTS_CONNECTION_STRING). Neither set: the exporter's default,
/// at most 5 traces a second.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Share of traces kept, from 0 (none) to 1 (all), instead of the rate. A trace is kept or dropped whole (the trace id decides).</summary>
    public double? SamplingRatio { get; set; }

    /// <summary>At most this many traces a second (rate-limited sampling); wins over <see cref="SamplingRatio"/> when both are set.</summary>
    public double? TracesPerSecond { get; set; }
}
