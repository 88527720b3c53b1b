using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Statuses;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Core.Ordering;

/// <summary>The ledger protocol on the in-memory ledger with a fake clock: what is posted, what is recorded, and what it costs.</summary>
public class StatusSlotTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly StatusKey Key = new("github.com", "o/app", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "codepipeline/app");

    private readonly FakeTimeProvider _time = new(T0.AddHours(1));
    private readonly CountingLedger _ledger = new();
    private readonly List<CommitStatus> _posted = [];
    private StatusSlot? _slot;

    private StatusSlot Slot => _slot ??= new StatusSlot(_ledger, RequestBudget.Default, _time);

    private static LedgerEntry Entry(string execution, CommitState state, int minute = 0, int attempt = 0) =>
        new(execution, T0, attempt, T0.AddMinutes(minute), new CommitStatus(state, Key.Context, $"Pipeline app {state}", "https://console"));

    private Func<CancellationToken, Task<PublishResult>> Post(LedgerEntry e, PublishResult? result = null) => _ =>
    {
        _posted.Add(e.Status);
        return Task.FromResult(result ?? PublishResult.Posted);
    };

    private Task<SlotResult> Apply(LedgerEntry e, PublishResult? result = null) => Slot.ApplyAsync(Key, e, Post(e, result), CancellationToken.None);

    [Fact]
    public async Task A_new_slot_costs_two_round_trips_and_a_duplicate_none()
    {
        var succeeded = Entry("e1", CommitState.Success, 5);
        Assert.Equal(Outcome.Posted, (await Apply(succeeded)).Outcome);
        Assert.Equal((0, 2), (_ledger.Reads, _ledger.Writes));

        Assert.Equal(Outcome.Duplicate, (await Apply(succeeded)).Outcome);
        Assert.Equal((0, 2), (_ledger.Reads, _ledger.Writes));
        Assert.Single(_posted);
        Assert.Equal(succeeded, (await _ledger.ReadAsync(Key, default)).Last);
    }

    [Fact]
    public async Task A_slot_this_instance_owns_is_not_read_again()
    {
        await Apply(Entry("e1", CommitState.Pending, 0));
        await Apply(Entry("e1", CommitState.Success, 5));
        Assert.Equal((0, 4), (_ledger.Reads, _ledger.Writes));
        Assert.Equal([CommitState.Pending, CommitState.Success], _posted.Select(p => p.State));
    }

    [Fact]
    public async Task A_row_written_by_another_instance_is_read_when_the_insert_fails()
    {
        var other = new StatusSlot(_ledger, RequestBudget.Default, _time);
        await other.ApplyAsync(Key, Entry("e2", CommitState.Success, 5), _ => Task.FromResult(PublishResult.Posted), default);
        _ledger.Reset();

        var result = await Apply(Entry("e2", CommitState.Pending, 0));
        Assert.Equal(Outcome.Stale, result.Outcome);
        Assert.Equal((1, 1), (_ledger.Reads, _ledger.Writes));
        Assert.Empty(_posted);
    }

    [Fact]
    public async Task A_late_event_is_stale_and_an_equal_status_from_a_newer_event_is_recorded_without_posting()
    {
        await Apply(Entry("e1", CommitState.Success, 5));
        Assert.Equal(Outcome.Stale, (await Apply(Entry("e1", CommitState.Pending, 0))).Outcome);
        Assert.Equal(Outcome.Unchanged, (await Apply(Entry("e1", CommitState.Success, 6))).Outcome);
        Assert.Single(_posted);
        Assert.Equal(T0.AddMinutes(6), (await _ledger.ReadAsync(Key, default)).Last!.EventTime);
    }

    [Fact]
    public async Task A_lost_race_is_decided_again_from_what_the_winner_wrote()
    {
        await Apply(Entry("e1", CommitState.Pending, 0));
        // Between this instance's decision and its claim, another instance records the newer result.
        _ledger.BeforeNextWrite = () => new StatusSlot(_ledger, RequestBudget.Default, _time)
            .ApplyAsync(Key, Entry("e1", CommitState.Failure, 9), _ => Task.FromResult(PublishResult.Posted), default).GetAwaiter().GetResult();

        var result = await Apply(Entry("e1", CommitState.Success, 5));
        Assert.Equal(Outcome.Stale, result.Outcome);
        Assert.Equal([CommitState.Pending], _posted.Select(p => p.State));
        Assert.Equal(CommitState.Failure, (await _ledger.ReadAsync(Key, default)).Last!.Status.State);
    }

    [Fact]
    public async Task A_failed_post_gives_the_slot_back_so_a_redelivery_posts_at_once()
    {
        var e = Entry("e1", CommitState.Success, 5);
        var failed = await Apply(e, PublishResult.Failed(FailureKind.Transient, "502 Bad Gateway"));
        Assert.Equal((Outcome.Retry, "502 Bad Gateway"), (failed.Outcome, failed.Detail));
        var row = await _ledger.ReadAsync(Key, default);
        Assert.Null(row.Pending);
        Assert.Null(row.Last);

        Assert.Equal(Outcome.Posted, (await Apply(e)).Outcome);
        Assert.Equal(2, _posted.Count);
    }

    [Fact]
    public async Task A_post_that_throws_gives_the_slot_back_too()
    {
        var e = Entry("e1", CommitState.Success, 5);
        await Assert.ThrowsAsync<UpstreamException>(() => Slot.ApplyAsync(Key, e, _ => throw new UpstreamException("GitHub", FailureKind.Transient, "reset"), default));
        Assert.Null((await _ledger.ReadAsync(Key, default)).Pending);
        Assert.Equal(Outcome.Posted, (await Apply(e)).Outcome);
    }

    [Fact]
    public async Task Another_instances_lease_is_waited_for_then_handed_back_to_EventBridge()
    {
        // Another instance claimed the slot for an older status and has not finished posting.
        await _ledger.TryWriteAsync(Key, null, Entry("e1", CommitState.Pending, 0), _time.GetUtcNow() + RequestBudget.Default.Lease, null, default);

        var apply = Apply(Entry("e1", CommitState.Success, 5));
        // Step the fake clock one poll at a time, never as far as the lease's end (the answer must be the wait running
        // out, not a takeover). A poll's continuation may run on another thread, so each step also lets it run.
        var advanced = TimeSpan.Zero;
        while (!apply.IsCompleted && advanced + StatusSlot.LeasePoll < RequestBudget.Default.Lease - TimeSpan.FromSeconds(1))
        {
            _time.Advance(StatusSlot.LeasePoll);
            advanced += StatusSlot.LeasePoll;
            await Task.Run(() => { });
        }
        await apply.WaitAsync(TimeSpan.FromSeconds(30));
        var result = await apply;
        Assert.Equal(Outcome.Retry, result.Outcome);
        Assert.NotNull(result.RetryAfter);
        Assert.Empty(_posted);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over()
    {
        await _ledger.TryWriteAsync(Key, null, Entry("e1", CommitState.Pending, 0), _time.GetUtcNow() + RequestBudget.Default.Lease, null, default);
        _time.Advance(RequestBudget.Default.Lease + TimeSpan.FromSeconds(1));

        Assert.Equal(Outcome.Posted, (await Apply(Entry("e1", CommitState.Success, 5))).Outcome);
        Assert.Null((await _ledger.ReadAsync(Key, default)).Pending);
    }

    [Fact]
    public async Task A_newer_status_being_posted_elsewhere_makes_an_older_one_stale_without_waiting()
    {
        await _ledger.TryWriteAsync(Key, null, Entry("e1", CommitState.Success, 5), _time.GetUtcNow() + RequestBudget.Default.Lease, null, default);
        Assert.Equal(Outcome.Stale, (await Apply(Entry("e1", CommitState.Pending, 0))).Outcome);
    }

    [Fact]
    public async Task Endless_contention_ends_in_a_retry_after_a_bounded_number_of_rounds()
    {
        _ledger.RefuseWrites = true;
        var result = await Apply(Entry("e1", CommitState.Success, 5));
        Assert.Equal(Outcome.Retry, result.Outcome);
        Assert.Equal(StatusSlot.MaxRounds, _ledger.Writes);
        Assert.Empty(_posted);
    }

    [Fact]
    public async Task Concurrent_deliveries_to_one_slot_post_one_at_a_time()
    {
        var release = new TaskCompletionSource<PublishResult>();
        var inFlight = 0;
        var maxInFlight = 0;
        Func<CancellationToken, Task<PublishResult>> Slow(LedgerEntry e) => async _ =>
        {
            maxInFlight = Math.Max(maxInFlight, Interlocked.Increment(ref inFlight));
            _posted.Add(e.Status);
            var r = await release.Task;
            Interlocked.Decrement(ref inFlight);
            return r;
        };
        var first = Slot.ApplyAsync(Key, Entry("e1", CommitState.Pending, 0), Slow(Entry("e1", CommitState.Pending, 0)), default);
        var second = Slot.ApplyAsync(Key, Entry("e1", CommitState.Success, 5), Slow(Entry("e1", CommitState.Success, 5)), default);
        release.SetResult(PublishResult.Posted);
        await Task.WhenAll(first, second);
        Assert.Equal(1, maxInFlight);
        Assert.Equal([CommitState.Pending, CommitState.Success], _posted.Select(p => p.State));
    }

    [Fact]
    public async Task Kept_rows_are_bounded()
    {
        var slot = new StatusSlot(_ledger, RequestBudget.Default, _time, maxKeptRows: 3);
        for (var i = 0; i < 10; i++)
            await slot.ApplyAsync(Key with { Sha = $"{i:x40}" }, Entry("e1", CommitState.Success), _ => Task.FromResult(PublishResult.Posted), default);
        Assert.InRange(slot.KeptRows, 1, 3);
    }

    /// <summary>The in-memory ledger, counting round trips, able to lose a race or refuse every write.</summary>
    private sealed class CountingLedger : IStatusLedger
    {
        private readonly InMemoryStatusLedger _inner = new();
        public int Reads;
        public int Writes;
        public bool RefuseWrites;
        public Action? BeforeNextWrite;

        public void Reset() => (Reads, Writes) = (0, 0);

        public Task<LedgerRow> ReadAsync(StatusKey key, CancellationToken ct)
        {
            Reads++;
            return _inner.ReadAsync(key, ct);
        }

        public Task<string?> TryWriteAsync(StatusKey key, LedgerEntry? last, LedgerEntry? pending, DateTimeOffset? leaseUntil, string? version, CancellationToken ct)
        {
            if (Interlocked.Exchange(ref BeforeNextWrite, null) is { } race)
            {
                var (r, w) = (Reads, Writes);
                race();
                (Reads, Writes) = (r, w);
            }
            Writes++;
            return RefuseWrites ? Task.FromResult<string?>(null) : _inner.TryWriteAsync(key, last, pending, leaseUntil, version, ct);
        }

        public Task<PendingPage> ListPendingAsync(DateTimeOffset before, int max, string? continuation, CancellationToken ct) =>
            _inner.ListPendingAsync(before, max, continuation, ct);
    }
}
