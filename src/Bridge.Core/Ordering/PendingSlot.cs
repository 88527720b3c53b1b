namespace Bridge.Core.Ordering;

/// <summary>A slot whose last posted status is pending, as the ledger holds it.</summary>
public sealed record PendingSlot(StatusKey Key, LedgerRow Row);
