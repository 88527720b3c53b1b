using Bridge.Adapters.GitHub;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>The gate on its own, on a fake clock: the harness lifts its per-minute limit, so nothing else reaches it.</summary>
public sealed class GitHubRateGateTests
{
    private const string Token = "token-hash-a";
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task At_most_the_configured_writes_are_in_flight_and_a_freed_slot_lets_the_next_one_in()
    {
        var gate = new GitHubRateGate(_clock, maxConcurrent: 2, maxPerMinute: 100);
        var first = await gate.EnterAsync(Token, CancellationToken.None);
        var second = await gate.EnterAsync(Token, CancellationToken.None);
        var third = gate.EnterAsync(Token, CancellationToken.None);
        Assert.False(third.IsCompleted);

        first.Slot!.Dispose();
        first.Slot.Dispose(); // a second release must not free a second slot
        var (slot, retryAfter) = await third.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(slot);
        Assert.Null(retryAfter);
        Assert.False(gate.EnterAsync(Token, CancellationToken.None).IsCompleted);
        second.Slot!.Dispose();
    }

    [Fact]
    public async Task Another_token_has_its_own_slots()
    {
        var gate = new GitHubRateGate(_clock, maxConcurrent: 1, maxPerMinute: 100);
        await gate.EnterAsync(Token, CancellationToken.None);
        Assert.True(gate.EnterAsync("token-hash-b", CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_minutes_budget_spent_is_refused_with_the_wait_until_the_next_refill()
    {
        var gate = new GitHubRateGate(_clock, maxConcurrent: 100, maxPerMinute: 12);
        for (var i = 0; i < 12; i++)
        {
            var (slot, _) = await gate.EnterAsync(Token, CancellationToken.None);
            Assert.NotNull(slot);
            slot.Dispose();
        }

        var refused = await gate.EnterAsync(Token, CancellationToken.None);
        Assert.Null(refused.Slot);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.RetryAfter);

        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(2), (await gate.EnterAsync(Token, CancellationToken.None)).RetryAfter);

        // One twelfth of the minute's budget comes back every 5 s: one write here, and the next is refused again.
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull((await gate.EnterAsync(Token, CancellationToken.None)).Slot);
        Assert.Equal(TimeSpan.FromSeconds(5), (await gate.EnterAsync(Token, CancellationToken.None)).RetryAfter);

        // A whole minute refills the whole budget, and no more than it.
        _clock.Advance(TimeSpan.FromMinutes(5));
        for (var i = 0; i < 12; i++) Assert.NotNull((await gate.EnterAsync(Token, CancellationToken.None)).Slot);
        Assert.Null((await gate.EnterAsync(Token, CancellationToken.None)).Slot);
    }

    [Fact]
    public void A_blocked_token_stays_blocked_until_the_wait_has_passed_on_the_clock()
    {
        var gate = new GitHubRateGate(_clock, maxConcurrent: 8, maxPerMinute: 80);
        Assert.Null(gate.Blocked(Token));

        gate.BlockFor(Token, TimeSpan.FromSeconds(120));
        Assert.Equal(TimeSpan.FromSeconds(120), gate.Blocked(Token));
        Assert.Null(gate.Blocked("token-hash-b"));

        gate.BlockFor(Token, TimeSpan.FromSeconds(30)); // a shorter wait does not shorten the block
        _clock.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(TimeSpan.FromSeconds(1), gate.Blocked(Token));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(gate.Blocked(Token));
    }
}
