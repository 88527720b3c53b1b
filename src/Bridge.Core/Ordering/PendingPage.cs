namespace Bridge.Core.Ordering;

/// <summary>One bounded page of pending slots, and where the next page starts (null: the listing is complete).</summary>
public sealed record PendingPage(IReadOnlyList<PendingSlot> Slots, string? Continuation)
{
    public static readonly PendingPage Empty = new([], null);
}
