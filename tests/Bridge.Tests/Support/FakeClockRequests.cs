using Bridge.Core.Handling;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Support;

/// <summary>For tests that run a request against the bridge on a fake clock.</summary>
public static class FakeClockRequests
{
    /// <summary>How long a test waits for what the fake clock should release at once: only a hang reaches it.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

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
