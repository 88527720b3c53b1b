using System.Collections.Concurrent;
using System.Globalization;
using Bridge.Core.Statuses;

namespace Bridge.Core.Ordering;

/// <summary>
/// The embedded default: right for one instance; use Table Storage when more than one instance runs. A slot nobody has
/// written for <see cref="DefaultRetention"/> is forgotten (looked at every <see cref="WritesBetweenSweeps"/> writes),
/// so a long-running instance does not grow with every status it ever posted; a restart forgets everything anyway.
/// </summary>
/// <param name="retention">
/// How long an unwritten slot is remembered. Far beyond EventBridge's 24 hours of retries: forgetting a slot can only
/// matter to an event older than that (a dead-letter redrive), which is then decided as if the slot were new.
/// </param>
public sealed class InMemoryStatusLedger(TimeProvider time, TimeSpan retention) : IStatusLedger
{
    /// <summary>How long a slot nobody writes is remembered (14 days).</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(14);

    /// <summary>Writes between two looks for forgotten slots: a look walks every row, so it is not done on each write.</summary>
    public const int WritesBetweenSweeps = 1024;

    private readonly ConcurrentDictionary<StatusKey, Stored> _rows = new();
    private long _nextVersion;
    private long _writes;

    public InMemoryStatusLedger() : this(TimeProvider.System, DefaultRetention)
    {
    }

    public Task<LedgerRow> ReadAsync(StatusKey key, CancellationToken ct) =>
        Task.FromResult(_rows.TryGetValue(key, out var stored) ? stored.Row : LedgerRow.Empty);

    public Task<string?> TryWriteAsync(StatusKey key, LedgerEntry? last, LedgerEntry? pending, DateTimeOffset? leaseUntil, string? version, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var next = new Stored(new LedgerRow(last, pending, leaseUntil, Interlocked.Increment(ref _nextVersion).ToString(CultureInfo.InvariantCulture)), now);
        bool written;
        if (version is null) written = _rows.TryAdd(key, next);
        else written = _rows.TryGetValue(key, out var current) && current.Row.Version == version && _rows.TryUpdate(key, next, current);
        if (written && Interlocked.Increment(ref _writes) % WritesBetweenSweeps == 0) Forget(now - retention, now);
        return Task.FromResult(written ? next.Row.Version : null);
    }

    /// <summary>Drops rows last written before <paramref name="cutoff"/>, unless a lease is running; a row written meanwhile stays (the removal compares the value).</summary>
    private void Forget(DateTimeOffset cutoff, DateTimeOffset now)
    {
        foreach (var pair in _rows)
            if (pair.Value.WrittenAt < cutoff && !pair.Value.Row.IsLeased(now)) _rows.TryRemove(pair);
    }

    private readonly record struct Stored(LedgerRow Row, DateTimeOffset WrittenAt);

    public Task<PendingPage> ListPendingAsync(DateTimeOffset before, int max, string? continuation, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var page = _rows
            .Where(r => r.Value.Row.Last is { Status.State: CommitState.Pending } last && last.EventTime < before)
            .Select(r => (Order: Order(r.Key), Slot: new PendingSlot(r.Key, r.Value.Row)))
            .Where(r => continuation is null || string.CompareOrdinal(r.Order, continuation) > 0)
            .OrderBy(r => r.Order, StringComparer.Ordinal)
            .Take(max + 1)
            .ToList();
        // One more than asked shows whether a next page exists; it starts after the last slot returned.
        return Task.FromResult(page.Count > max
            ? new PendingPage([.. page.Take(max).Select(r => r.Slot)], page[max - 1].Order)
            : new PendingPage([.. page.Select(r => r.Slot)], null));
    }

    /// <summary>A fixed order over keys ('\n' cannot occur in any part), as Table Storage orders by partition and row key.</summary>
    private static string Order(StatusKey key) => $"{key.Host}\n{key.Repository}\n{key.Sha}\n{key.Context}";

    public int Count => _rows.Count;
}
