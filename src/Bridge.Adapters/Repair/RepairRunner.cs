using Bridge.Adapters.Configuration;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Handling;
using Bridge.Core.Repair;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Adapters.Repair;

/// <summary>
/// What both hosts run on their timer: one <see cref="RepairSweep"/> at a time, counted on the product's meter and
/// logged; a sweep that fails (ledger unreachable) is logged and left to the next.
/// </summary>
public sealed partial class RepairRunner(RepairSweep sweep, IOptions<RepairOptions> options, ILogger<RepairRunner> log)
{
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Raised after each sweep that ran to its end (tests wait on it instead of the clock).</summary>
    public event Action<RepairReport>? Swept;

    public RepairOptions Options => options.Value;

    /// <summary>
    /// Whether the Functions app's every-minute timer sweeps at <paramref name="now"/>: on the minutes that are a multiple
    /// of <see cref="RepairOptions.Interval"/> since the epoch, so the schedule needs no state and every instance agrees.
    /// </summary>
    public bool IsDue(DateTimeOffset now) => now.ToUnixTimeSeconds() / 60 % (long)Options.Interval.TotalMinutes == 0;

    /// <returns>The sweep's report; null when off, when a sweep is already running here, or when it failed.</returns>
    public async Task<RepairReport?> RunAsync(CancellationToken ct)
    {
        if (!Options.Enabled || !await _one.WaitAsync(TimeSpan.Zero, ct).ConfigureAwait(false)) return null;
        try
        {
            var report = await sweep.RunAsync(ct).ConfigureAwait(false);
            RepairMetrics.Swept(report);
            Swept?.Invoke(report);
            return report;
        }
        catch (UpstreamException ex)
        {
            RepairMetrics.SweepFailed();
            LogFailed(log, ex.Message);
            return null;
        }
        finally
        {
            _one.Release();
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Repair sweep failed: {Problem}; the next sweep tries again")]
    private static partial void LogFailed(ILogger logger, string problem);
}
