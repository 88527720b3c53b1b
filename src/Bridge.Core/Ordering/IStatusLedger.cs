namespace Bridge.Core.Ordering;

/// <summary>
/// Remembers the last status posted per slot. Writes are conditional on the version read (an ETag in Table Storage);
/// a write that lost a race returns null and the caller reads and decides again.
/// </summary>
public interface IStatusLedger
{
    Task<LedgerRow> ReadAsync(StatusKey key, CancellationToken ct);

    /// <param name="version">The version read, or null to create a row that must not exist yet.</param>
    /// <returns>The new version, or null when the row changed since <paramref name="version"/> was read.</returns>
    Task<string?> TryWriteAsync(StatusKey key, LedgerEntry? last, LedgerEntry? pending, DateTimeOffset? leaseUntil, string? version, CancellationToken ct);

    /// <summary>
    /// At most <paramref name="max"/> slots whose last posted status is pending with an event time before
    /// <paramref name="before"/>, in a fixed order, from <paramref name="continuation"/> (null: from the start). The
    /// repair sweep reads one page per sweep and resumes where it stopped, so every pending slot gets its turn.
    /// </summary>
    Task<PendingPage> ListPendingAsync(DateTimeOffset before, int max, string? continuation, CancellationToken ct);
}
