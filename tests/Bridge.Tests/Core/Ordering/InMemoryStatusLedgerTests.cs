using Bridge.Core.Ordering;
using Bridge.Core.Statuses;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Core.Ordering;

/// <summary>
/// The in-memory ledger lists pending slots as the Table Storage one does (filtered, bounded, resumable), and forgets a
/// slot nobody has written for its retention, so a long-running instance does not grow with every status it ever posted.
/// </summary>
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

    [Fact]
    public async Task A_slot_unwritten_for_the_retention_is_forgotten_and_a_recent_or_leased_one_is_kept()
    {
        var clock = new FakeTimeProvider(T0);
        var ledger = new InMemoryStatusLedger(clock, TimeSpan.FromDays(14));
        var old = new StatusKey("github.com", "o/app", new string('a', 40), "codepipeline/app");
        var leased = old with { Sha = new string('b', 40) };
        await ledger.TryWriteAsync(old, Entry(CommitState.Success, T0), null, null, null, default);
        await ledger.TryWriteAsync(leased, null, Entry(CommitState.Pending, T0), T0.AddYears(1), null, default);
        clock.Advance(TimeSpan.FromDays(13));
        var recent = old with { Sha = new string('c', 40) };
        await ledger.TryWriteAsync(recent, Entry(CommitState.Success, T0), null, null, null, default);

        clock.Advance(TimeSpan.FromDays(2)); // the first two are 15 days old now, the third 2 days
        for (var i = 0; i < InMemoryStatusLedger.WritesBetweenSweeps; i++)
            await ledger.TryWriteAsync(old with { Sha = $"{i:x40}" }, Entry(CommitState.Success, T0), null, null, null, default);

        Assert.Same(LedgerRow.Empty, await ledger.ReadAsync(old, default));
        Assert.NotNull((await ledger.ReadAsync(leased, default)).Pending);
        Assert.NotNull((await ledger.ReadAsync(recent, default)).Last);
        Assert.Equal(2 + InMemoryStatusLedger.WritesBetweenSweeps, ledger.Count);
    }
}
