using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Statuses;
using Bridge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Core.Ordering;

/// <summary>
/// Contention and takeovers as an exporter sees them: two <see cref="StatusSlot"/>s (two instances) on one in-memory
/// ledger with a fake clock, the meter read through OpenTelemetry's in-memory exporter.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class StatusSlotMetricsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly StatusKey Key = new("github.com", "o/app", "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "codepipeline/app");

    private readonly InMemoryTelemetry _telemetry = new();
    private readonly FakeTimeProvider _time = new(T0.AddHours(1));
    private readonly InMemoryStatusLedger _ledger = new();

    public void Dispose() => _telemetry.Dispose();

    private StatusSlot Instance() => new(_ledger, RequestBudget.Default, _time);

    private static LedgerEntry Entry(CommitState state, int minute) =>
        new("e1", T0, 0, T0.AddMinutes(minute), new CommitStatus(state, Key.Context, $"Pipeline app {state}", "https://console"));

    private static Task<SlotResult> Apply(StatusSlot slot, LedgerEntry e) => slot.ApplyAsync(Key, e, _ => Task.FromResult(PublishResult.Posted), default);

    private long Contention(string reason) => _telemetry.Total(LedgerMetrics.ContentionCounter, (LedgerMetrics.ReasonTag, reason));

    private long Takeovers => _telemetry.Total(LedgerMetrics.TakeoversCounter);

    [Fact]
    public async Task A_write_that_loses_to_another_instance_is_contention_and_a_first_insert_that_finds_a_row_is_not()
    {
        var a = Instance();
        var b = Instance();
        Assert.Equal(Outcome.Posted, (await Apply(a, Entry(CommitState.Pending, 0))).Outcome);
        // B has never seen the slot: its insert fails because A's row exists; that is no race, B just reads.
        Assert.Equal(Outcome.Posted, (await Apply(b, Entry(CommitState.Failure, 9))).Outcome);
        Assert.Equal(0, Contention(LedgerMetrics.WriteLost));

        // A still keeps the row it wrote; its claim on that version loses to B's record.
        Assert.Equal(Outcome.Stale, (await Apply(a, Entry(CommitState.Success, 5))).Outcome);
        Assert.Equal(1, Contention(LedgerMetrics.WriteLost));
        Assert.Equal(0, Takeovers);
    }

    [Fact]
    public async Task Waiting_for_another_instances_claim_is_contention_counted_once_per_delivery()
    {
        await _ledger.TryWriteAsync(Key, null, Entry(CommitState.Pending, 0), _time.GetUtcNow() + RequestBudget.Default.Lease, null, default);

        var apply = Apply(Instance(), Entry(CommitState.Success, 5));
        // Step the fake clock a poll at a time until the wait ends (never as far as the lease), letting each poll run.
        var advanced = TimeSpan.Zero;
        while (!apply.IsCompleted && advanced < RequestBudget.Default.Lease - TimeSpan.FromSeconds(1))
        {
            _time.Advance(StatusSlot.LeasePoll);
            advanced += StatusSlot.LeasePoll;
            await Task.Run(() => { });
        }
        Assert.Equal(Outcome.Retry, (await apply.WaitAsync(TimeSpan.FromSeconds(30))).Outcome);
        Assert.True(advanced > StatusSlot.LeasePoll * 2, "the delivery polled more than once");
        Assert.Equal(1, Contention(LedgerMetrics.LeaseHeld));
        Assert.Equal(0, Takeovers);
    }

    [Fact]
    public async Task A_claim_whose_lease_ran_out_is_taken_over_and_counted()
    {
        // Another instance claimed the slot and never finished (it crashed, or its release failed).
        await _ledger.TryWriteAsync(Key, null, Entry(CommitState.Pending, 0), _time.GetUtcNow() + RequestBudget.Default.Lease, null, default);
        _time.Advance(RequestBudget.Default.Lease + TimeSpan.FromSeconds(1));

        var slot = Instance();
        Assert.Equal(Outcome.Posted, (await Apply(slot, Entry(CommitState.Success, 5))).Outcome);
        Assert.Equal(1, Takeovers);

        // The slot's own claim and record afterwards take nothing over.
        Assert.Equal(Outcome.Posted, (await Apply(slot, Entry(CommitState.Failure, 9))).Outcome);
        Assert.Equal(1, Takeovers);
        Assert.Equal(0, Contention(LedgerMetrics.LeaseHeld));
    }
}
