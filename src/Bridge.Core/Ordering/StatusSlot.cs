using Bridge.Core.Handling;
using Bridge.Core.Statuses;

namespace Bridge.Core.Ordering;

/// <summary>
/// The ledger protocol for GitHub status slots (docs/architecture.md#ledger-protocol): read → decide → claim the slot
/// with a lease (a conditional write) → post → record (a conditional write); a lost race is decided again, a failed
/// post gives the slot back. The claim keeps two instances from posting to one slot at once, so GitHub receives
/// statuses in the order the ledger accepted them and the newest is always the last to arrive.
/// Inside this process a per-slot gate queues concurrent deliveries, and the row this instance last read or wrote is
/// kept under that gate, so a slot it owns is not read again: a posted status costs two round trips (claim, record)
/// and a duplicate none. A kept row that another instance has since changed is harmless: decisions against an older
/// row only ever say "post", and that conditional write then fails and the row is read afresh.
/// </summary>
public sealed class StatusSlot(IStatusLedger ledger, RequestBudget budget, TimeProvider time, int maxKeptRows = 20_000)
{
    /// <summary>Rounds of read-and-decide before the event is handed back to EventBridge.</summary>
    public const int MaxRounds = 16;

    /// <summary>How often to look again while another instance holds the slot's lease.</summary>
    public static readonly TimeSpan LeasePoll = TimeSpan.FromMilliseconds(50);

    private readonly SlotLocks _gates = new();
    private readonly Dictionary<StatusKey, LedgerRow> _kept = new();

    /// <summary>Posts <paramref name="candidate"/> to its slot if the ordering rules allow, through <paramref name="post"/>.</summary>
    public Task<SlotResult> ApplyAsync(StatusKey key, LedgerEntry candidate, Func<CancellationToken, Task<PublishResult>> post, CancellationToken ct) =>
        ApplyAsync(key, candidate, post, static (post, _, token) => post(token), ct);

    /// <summary>
    /// The same, with the post's state passed in, so a caller need not allocate a closure per status. The post is also
    /// given the check run an earlier status of the same execution created (<see cref="LedgerEntry.RunFor"/>), to update it.
    /// </summary>
    public async Task<SlotResult> ApplyAsync<TState>(StatusKey key, LedgerEntry candidate, TState state, Func<TState, long?, CancellationToken, Task<PublishResult>> post, CancellationToken ct)
    {
        using var gate = await _gates.EnterAsync(key, ct).ConfigureAwait(false);
        var waitedSince = time.GetTimestamp();
        var waited = false;
        for (var round = 0; round < MaxRounds; round++)
        {
            // A slot this instance has not seen is first claimed as new (an insert that fails if the row exists), which
            // saves the read for the common case; when it does exist, the failed insert costs one round trip.
            var kept = Kept(key);
            // That insert failing is no race with anyone, so it is not counted as contention.
            var guessed = kept is null && round == 0;
            var row = kept ?? (round == 0 ? LedgerRow.Empty : await ReadAsync(key, ct).ConfigureAwait(false));
            var now = time.GetUtcNow();
            if (row.IsLeased(now))
            {
                // Another instance is posting to this slot. Older than what it posts: nothing to do. Otherwise wait for it.
                if (OrderingRules.Decide(row.Pending, candidate) is Verdict.Stale or Verdict.Duplicate)
                    return new(Outcome.Stale, "a newer status is being posted by another instance");
                if (!waited) LedgerMetrics.Contended(LedgerMetrics.LeaseHeld);
                waited = true;
                if (time.GetElapsedTime(waitedSince) > budget.LeaseWait)
                    return new(Outcome.Retry, "another instance is posting to this commit status", budget.LeaseWait * 2);
                Forget(key);
                await Task.Delay(LeasePoll, time, ct).ConfigureAwait(false);
                continue;
            }

            switch (OrderingRules.Decide(row.Last, candidate))
            {
                case Verdict.Stale:
                    return new(Outcome.Stale, $"GitHub already shows a newer status ({CommitStatus.Wire(row.Last!.Status.State)} from execution {row.Last.ExecutionId})");
                case Verdict.Duplicate:
                    return new(Outcome.Duplicate, "this status was already posted");
                case Verdict.Record:
                    if (await WriteOverAsync(key, row, candidate with { RunId = LedgerEntry.RunFor(row.Last, candidate) }, null, null, guessed, ct).ConfigureAwait(false)) return new(Outcome.Unchanged, "GitHub already shows this status");
                    continue;
            }

            var leaseUntil = now + budget.Lease;
            if (!await WriteOverAsync(key, row, row.Last, candidate, leaseUntil, guessed, ct).ConfigureAwait(false)) continue;
            var claimed = Kept(key)!;
            PublishResult published;
            try
            {
                published = await post(state, LedgerEntry.RunFor(row.Last, candidate), ct).ConfigureAwait(false);
            }
            catch
            {
                await ReleaseAsync(key, row.Last, claimed.Version).ConfigureAwait(false);
                throw;
            }
            if (published.Failure is { } kind)
            {
                await ReleaseAsync(key, row.Last, claimed.Version).ConfigureAwait(false);
                return new(Outcomes.Of(kind), published.Message, published.RetryAfter);
            }
            var posted = candidate with { RunId = published.RunId ?? LedgerEntry.RunFor(row.Last, candidate) };
            if (await WriteAsync(key, posted, null, null, claimed.Version, ct).ConfigureAwait(false))
                return new(Outcome.Posted, CommitStatus.Wire(candidate.Status.State));
            // The lease ran out while we posted and someone else took the slot: decide again from what it holds now.
            LedgerMetrics.Contended(LedgerMetrics.WriteLost);
        }
        Forget(key);
        return new(Outcome.Retry, "too much contention on one commit status; try again", budget.LeaseWait * 2);
    }

    /// <summary>Rows kept in memory (for tests and the benchmark).</summary>
    public int KeptRows { get { lock (_kept) return _kept.Count; } }

    private async Task<LedgerRow> ReadAsync(StatusKey key, CancellationToken ct)
    {
        var row = await ledger.ReadAsync(key, ct).ConfigureAwait(false);
        Keep(key, row);
        return row;
    }

    /// <summary>A conditional write; on success the written row is kept, on a lost race the kept row is dropped.</summary>
    private async Task<bool> WriteAsync(StatusKey key, LedgerEntry? last, LedgerEntry? pending, DateTimeOffset? leaseUntil, string? version, CancellationToken ct)
    {
        string? written;
        try
        {
            written = await ledger.TryWriteAsync(key, last, pending, leaseUntil, version, ct).ConfigureAwait(false);
        }
        catch
        {
            Forget(key);
            throw;
        }
        if (written is null) Forget(key);
        else Keep(key, new LedgerRow(last, pending, leaseUntil, written));
        return written is not null;
    }

    /// <summary>
    /// A conditional write over <paramref name="row"/> as read or kept, counted: a rejection is contention (unless the
    /// row was only <paramref name="guessed"/> to be new), and replacing a claim whose lease ran out is a takeover.
    /// </summary>
    private async Task<bool> WriteOverAsync(StatusKey key, LedgerRow row, LedgerEntry? last, LedgerEntry? pending, DateTimeOffset? leaseUntil, bool guessed, CancellationToken ct)
    {
        var written = await WriteAsync(key, last, pending, leaseUntil, row.Version, ct).ConfigureAwait(false);
        if (!written && !guessed) LedgerMetrics.Contended(LedgerMetrics.WriteLost);
        // Only called when the row is not leased, so a claim still on it is one whose holder did not finish.
        if (written && row.Pending is not null) LedgerMetrics.TookOver();
        return written;
    }

    /// <summary>Gives the slot back so a redelivery (or another event) can post without waiting for the lease to run out.</summary>
    private async Task ReleaseAsync(StatusKey key, LedgerEntry? last, string? claim)
    {
        try
        {
            await WriteAsync(key, last, null, null, claim, CancellationToken.None).ConfigureAwait(false);
        }
        catch (UpstreamException)
        {
            // The lease runs out by itself; the answer to EventBridge is already a failure.
        }
    }

    private LedgerRow? Kept(StatusKey key)
    {
        lock (_kept) return _kept.GetValueOrDefault(key);
    }

    private void Keep(StatusKey key, LedgerRow row)
    {
        lock (_kept)
        {
            // Bounded: when full, start over; a forgotten row only costs one read.
            if (_kept.Count >= maxKeptRows && !_kept.ContainsKey(key)) _kept.Clear();
            _kept[key] = row;
        }
    }

    private void Forget(StatusKey key)
    {
        lock (_kept) _kept.Remove(key);
    }
}
