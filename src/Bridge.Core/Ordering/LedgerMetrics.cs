using System.Diagnostics.Metrics;
using Bridge.Core.Telemetry;

namespace Bridge.Core.Ordering;

/// <summary>
/// What the ledger protocol counts (docs/architecture.md#ledger-protocol): contention with another instance and
/// claims taken over from an instance that did not finish. Both say whether instances fight over the same commits.
/// </summary>
public static class LedgerMetrics
{
    public const string ContentionCounter = "bridge.ledger.contention";
    public const string TakeoversCounter = "bridge.ledger.takeovers";

    /// <summary>Tag on <see cref="ContentionCounter"/>: <see cref="WriteLost"/> or <see cref="LeaseHeld"/>.</summary>
    public const string ReasonTag = "reason";

    /// <summary>A conditional write rejected because another instance wrote the row since it was read.</summary>
    public const string WriteLost = "write-lost";

    /// <summary>Another instance's unexpired claim made this delivery wait (counted once per delivery).</summary>
    public const string LeaseHeld = "lease-held";

    private static readonly Counter<long> Contention = BridgeMeter.Meter.CreateCounter<long>(ContentionCounter, "{conflict}",
        "Status slots contended by another instance: a ledger write that lost a race, or a wait for another instance's claim.");

    private static readonly Counter<long> Takeovers = BridgeMeter.Meter.CreateCounter<long>(TakeoversCounter, "{lease}",
        "Ledger claims taken over after their lease ran out: the instance that claimed the slot did not finish.");

    internal static void Contended(string reason) => Contention.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));

    internal static void TookOver() => Takeovers.Add(1);
}
