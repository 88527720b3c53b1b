namespace Bridge.Core.Ordering;

/// <summary>
/// A ledger row: the status GitHub shows (<see cref="Last"/>), and, while some instance is posting to the slot, the
/// status it is posting (<see cref="Pending"/>) with a lease. The lease serialises posts to one slot across instances,
/// so the order in which GitHub receives statuses is the order in which the ledger accepted them.
/// </summary>
public sealed record LedgerRow(LedgerEntry? Last, LedgerEntry? Pending, DateTimeOffset? LeaseUntil, string? Version)
{
    public static readonly LedgerRow Empty = new(null, null, null, null);

    public bool IsLeased(DateTimeOffset now) => Pending is not null && LeaseUntil > now;
}
