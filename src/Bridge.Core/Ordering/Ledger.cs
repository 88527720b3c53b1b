using Bridge.Core.Statuses;

namespace Bridge.Core.Ordering;

/// <summary>One GitHub status slot: GitHub keeps the newest status per (repository, sha, context).</summary>
public sealed record StatusKey(string Host, string Repository, string Sha, string Context);

/// <summary>A status with what it takes to order a newcomer against it.</summary>
public sealed record LedgerEntry(string ExecutionId, DateTimeOffset ExecutionStart, int Attempt, DateTimeOffset EventTime, CommitStatus Status);

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
}
