using Bridge.Core.Statuses;

namespace Bridge.Core.Ordering;

/// <summary>One GitHub status slot: GitHub keeps the newest status per (repository, sha, context).</summary>
public sealed record StatusKey(string Host, string Repository, string Sha, string Context);

/// <summary>What was last posted to a slot, with what it takes to order a newcomer against it.</summary>
public sealed record LedgerEntry(string ExecutionId, DateTimeOffset ExecutionStart, int Attempt, DateTimeOffset EventTime, CommitStatus Status);

/// <summary>A ledger row as read, with the version (ETag) a conditional write must match.</summary>
public sealed record LedgerRead(LedgerEntry? Entry, string? Version);

/// <summary>
/// Remembers the last status posted per slot. Writes are conditional: <see cref="TryWriteAsync"/> returns false when
/// another writer got there first (version no longer matches), and the caller re-decides.
/// </summary>
public interface IStatusLedger
{
    Task<LedgerRead> ReadAsync(StatusKey key, CancellationToken ct);

    /// <param name="version">The version read, or null to create a row that must not exist yet.</param>
    Task<bool> TryWriteAsync(StatusKey key, LedgerEntry entry, string? version, CancellationToken ct);
}
