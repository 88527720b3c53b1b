using Bridge.Adapters.Repair;

namespace Bridge.Host;

/// <summary>
/// Runs the repair sweep every <c>Repair:Interval</c> on the injected clock (a fake one in tests), first one interval
/// after start. Sweeps never overlap: the next tick is awaited only once a sweep has ended.
/// </summary>
public sealed class RepairService(RepairRunner runner, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!runner.Options.Enabled) return;
        // A PeriodicTimer remembers a tick that came while a sweep ran, so a clock advanced meanwhile is not lost.
        using var timer = new PeriodicTimer(runner.Options.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await runner.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
