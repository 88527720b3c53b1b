using Bridge.Adapters.Configuration;
using Bridge.Adapters.Http;
using Bridge.Adapters.Repair;
using Microsoft.Extensions.Options;

namespace Bridge.Host;

/// <summary>
/// Runs the repair sweep every <c>Repair:Interval</c> on the injected clock (a fake one in tests), first one interval
/// after start. Sweeps never overlap: the next tick is awaited only once a sweep has ended.
/// </summary>
/// <remarks>
/// The sweep and what it uses (CodePipeline, GitHub, credentials) are resolved at the first tick, not at start-up: the
/// host starts as before, and a credential that cannot be built fails the sweep (logged, tried again next tick)
/// instead of stopping the host.
/// </remarks>
public sealed partial class RepairService(IServiceProvider services, IOptions<RepairOptions> options, TimeProvider time, ILogger<RepairService> log)
    : BackgroundService
{
    private PeriodicTimer? _timer;

    /// <summary>
    /// The timer starts with the host, not in <see cref="ExecuteAsync"/>, which .NET runs on a task of its own: the first
    /// interval counts from start-up, and a clock advanced right after start-up is not missed.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A PeriodicTimer remembers a tick that came while a sweep ran, so a clock advanced meanwhile is not lost.
        if (options.Value.Enabled) _timer = new PeriodicTimer(options.Value.Interval, time);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer) return;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await services.GetRequiredService<RepairRunner>().RunAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // An exception out of ExecuteAsync would stop the whole host, events included. Types and stack only,
                    // as for any bug (BridgeHttp.WriteUnhandledAsync): an SDK's message can hold a header value.
                    LogFailed(log, BridgeHttp.ExceptionTypes(ex), ex.StackTrace);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Repair sweep failed with {ExceptionTypes}; the next tick tries again; stack: {Stack}")]
    private static partial void LogFailed(ILogger logger, string exceptionTypes, string? stack);
}
