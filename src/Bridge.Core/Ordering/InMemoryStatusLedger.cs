using System.Collections.Concurrent;
using System.Globalization;

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

    public int Count => _rows.Count;
}
