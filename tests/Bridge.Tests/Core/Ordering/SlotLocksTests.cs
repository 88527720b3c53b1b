using Bridge.Core.Ordering;

namespace Bridge.Tests.Core.Ordering;

/// <summary>The per-slot gate: one holder per slot, other slots unaffected, nothing left behind.</summary>
public class SlotLocksTests
{
    private static readonly StatusKey A = new("github.com", "o/app", new string('a', 40), "codepipeline/app");
    private static readonly StatusKey B = A with { Sha = new string('b', 40) };

    [Fact]
    public async Task A_second_holder_of_one_slot_waits_and_other_slots_do_not()
    {
        var locks = new SlotLocks();
        var first = await locks.EnterAsync(A, default);
        var second = locks.EnterAsync(A, default);
        var other = locks.EnterAsync(B, default);
        Assert.False(second.IsCompleted);
        Assert.True(other.IsCompleted);
        first.Dispose();
        (await second).Dispose();
        (await other).Dispose();
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_nothing_behind_and_disposing_twice_releases_once()
    {
        var locks = new SlotLocks();
        var held = await locks.EnterAsync(A, default);
        using var cts = new CancellationTokenSource();
        var waiting = locks.EnterAsync(A, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        held.Dispose();
        Assert.Equal(0, locks.Count);

        var again = await locks.EnterAsync(A, default);
        var next = locks.EnterAsync(A, default);
        Assert.False(next.IsCompleted);
        again.Dispose();
        (await next).Dispose();
    }
}
