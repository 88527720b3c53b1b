using System.Collections.Concurrent;
using System.Globalization;
using Bridge.Core.Statuses;

namespace Bridge.Core.Ordering;

/// <summary>The embedded default: right for one instance; use Table Storage when more than one instance runs.</summary>
public sealed class InMemoryStatusLedger : IStatusLedger
{
    private readonly ConcurrentDictionary<StatusKey, LedgerRow> _rows = new();
    private long _nextVersion;

    public Task<LedgerRow> ReadAsync(StatusKey key, CancellationToken ct) =>
        Task.FromResult(_rows.TryGetValue(key, out var row) ? row : LedgerRow.Empty);

    public Task<string?> TryWriteAsync(StatusKey key, LedgerEntry? last, LedgerEntry? pending, DateTimeOffset? leaseUntil, string? version, CancellationToken ct)
    {
        var next = new LedgerRow(last, pending, leaseUntil, Interlocked.Increment(ref _nextVersion).ToString(CultureInfo.InvariantCulture));
        bool written;
        if (version is null) written = _rows.TryAdd(key, next);
        else written = _rows.TryGetValue(key, out var current) && current.Version == version && _rows.TryUpdate(key, next, current);
        return Task.FromResult(written ? next.Version : null);
    }

    public Task<PendingPage> ListPendingAsync(DateTimeOffset before, int max, string? continuation, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var page = _rows
            .Where(r => r.Value.Last is { Status.State: CommitState.Pending } last && last.EventTime < before)
            .Select(r => (Order: Order(r.Key), Slot: new PendingSlot(r.Key, r.Value)))
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
