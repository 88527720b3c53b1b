using Bridge.Adapters.Configuration;
using Bridge.Adapters.Ledger;
using Bridge.Core.Ordering;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Functions;

/// <summary>
/// Once a day, forgets ledger rows nobody wrote for Ledger:RetentionDays. An execution's events arrive within hours
/// (EventBridge gives up after 24 h), so older rows only cost storage; GitHub keeps the statuses themselves.
/// </summary>
public sealed partial class LedgerCleanupFunction(IStatusLedger ledger, IOptions<LedgerOptions> options, TimeProvider time, ILogger<LedgerCleanupFunction> log)
{
    [Function("LedgerCleanup")]
    public async Task Run([TimerTrigger("0 17 3 * * *")] TimerInfo timer, CancellationToken ct)
    {
        if (ledger is not TableStatusLedger table) return; // the in-memory ledger lives and dies with the process
        var cutoff = time.GetUtcNow().AddDays(-options.Value.RetentionDays);
        var removed = await table.PurgeOlderThanAsync(cutoff, ct);
        LogPurged(log, removed, cutoff);
    }

    [LoggerMessage(1, LogLevel.Information, "Ledger clean-up removed {Removed} rows last written before {Cutoff}")]
    private static partial void LogPurged(ILogger logger, int removed, DateTimeOffset cutoff);
}
