using System.Collections.Concurrent;

namespace Bridge.Core.Ordering;

/// <summary>The embedded default: right for one instance; use Table Storage when more than one instance runs.</summary>
public sealed class InMemoryStatusLedger : IStatusLedger
{
    private readonly ConcurrentDictionary<StatusKey, (LedgerEntry Entry, long Version)> _rows = new();
    private long _nextVersion;

    public Task<LedgerRead> ReadAsync(StatusKey key, CancellationToken ct) =>
        Task.FromResult(_rows.TryGetValue(key, out var row)
            ? new LedgerRead(row.Entry, row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : new LedgerRead(null, null));

    public Task<bool> TryWriteAsync(StatusKey key, LedgerEntry entry, string? version, CancellationToken ct)
    {
        var next = (entry, Interlocked.Increment(ref _nextVersion));
        if (version is null) return Task.FromResult(_rows.TryAdd(key, next));
        if (!_rows.TryGetValue(key, out var current) || current.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) != version)
            return Task.FromResult(false);
        return Task.FromResult(_rows.TryUpdate(key, next, current));
    }

    public int Count => _rows.Count;
}
