using Bridge.Core.Ordering;
using Bridge.Core.Statuses;

namespace Bridge.Tests.Core.Ordering;

/// <summary>The in-memory ledger lists pending slots as the Table Storage one does: filtered, bounded, resumable.</summary>
public class InMemoryStatusLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static LedgerEntry Entry(CommitState state, DateTimeOffset time) =>
        new("e1", T0, 1, time, new CommitStatus(state, "codepipeline/app", "Pipeline app", "https://console"));

    [Fact]
    public async Task Pending_slots_older_than_the_cutoff_come_in_bounded_pages_that_resume_where_the_last_stopped()
    {
        var ledger = new InMemoryStatusLedger();
        var old = Enumerable.Range(0, 5).Select(i => new StatusKey("github.com", "o/app", $"{i:x40}", "codepipeline/app")).ToList();
        foreach (var key in old) await ledger.TryWriteAsync(key, Entry(CommitState.Pending, T0), null, null, null, default);
        await ledger.TryWriteAsync(old[0] with { Sha = new string('e', 40) }, Entry(CommitState.Pending, T0.AddHours(1)), null, null, null, default);
        await ledger.TryWriteAsync(old[0] with { Sha = new string('f', 40) }, Entry(CommitState.Failure, T0), null, null, null, default);

        var first = await ledger.ListPendingAsync(T0.AddMinutes(30), 2, null, default);
        var second = await ledger.ListPendingAsync(T0.AddMinutes(30), 2, first.Continuation, default);
        var last = await ledger.ListPendingAsync(T0.AddMinutes(30), 2, second.Continuation, default);

        Assert.Equal(old, first.Slots.Concat(second.Slots).Concat(last.Slots).Select(s => s.Key));
        Assert.Equal((2, 2, 1), (first.Slots.Count, second.Slots.Count, last.Slots.Count));
        Assert.Null(last.Continuation);
    }
}
