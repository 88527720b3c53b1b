using Bridge.Core.Handling;
using Bridge.Sandbox;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Support;

/// <summary>For tests that run a request against the bridge on a fake clock.</summary>
public static class FakeClockRequests
{
    /// <summary>How long a test waits for what the fake clock should release at once: only a hang reaches it.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Lets <paramref name="work"/> run against an upstream that may hold its request (a hang on the shared fake clock):
    /// once the upstream holds one, the clock moves by <paramref name="share"/>, the budget the bridge gives that call, and
    /// no further; then <paramref name="work"/> must end. Returns whether the upstream held a request (a fault that
    /// answers at once needs no clock). The caller runs the clock out in a finally (<see cref="RunOutAsync"/>).
    /// </summary>
    public static async Task<bool> AdvanceIfHeldAsync(FakeTimeProvider clock, LoopbackServer upstream, TimeSpan share, Task work)
    {
        if (await Task.WhenAny(work, upstream.WhenHeldAsync(1)).WaitAsync(Guard) == work) return false;
        clock.Advance(share);
        await work.WaitAsync(Guard);
        return true;
    }

    /// <summary>
    /// Moves the clock past every budget until <paramref name="work"/> ends: after a failed assertion a request may still
    /// wait on the fake clock (a timeout, a backoff), and so may the host's shutdown. Only this path, never a passing
    /// assertion, waits on the wall clock, a tenth of a second at a time, to let the released work run.
    /// </summary>
    public static async Task RunOutAsync(FakeTimeProvider clock, Task work)
    {
        for (var i = 0; i < 50 && !work.IsCompleted; i++)
        {
            clock.Advance(RequestBudget.Default.Total);
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System));
        }
    }
}
