using Bridge.Adapters.Repair;
using Microsoft.Azure.Functions.Worker;

namespace Bridge.Functions;

/// <summary>
/// The repair sweep (docs/architecture.md#repair-sweep). Flex Consumption takes CRON schedules only and an attribute
/// cannot read configuration, so the timer fires every minute and sweeps on the minutes that are a multiple of
/// Repair:Interval since the epoch: no state, and every instance agrees (the host also runs a timer on one instance at a time).
/// </summary>
public sealed class RepairSweepFunction(RepairRunner runner, TimeProvider time)
{
    [Function("RepairSweep")]
    public async Task Run([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken ct)
    {
        if (!runner.IsDue(time.GetUtcNow())) return;
        await runner.RunAsync(ct);
    }
}
