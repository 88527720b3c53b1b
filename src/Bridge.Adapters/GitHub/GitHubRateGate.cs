using System.Collections.Concurrent;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Keeps the bridge a polite GitHub client per token: at most N writes in flight (secondary limit: 100 concurrent),
/// at most M status writes a minute (secondary limit: about 80 content-creating requests a minute), and once GitHub
/// has said "wait until T", nothing is sent with that token before T: the wait goes back to EventBridge instead.
/// </summary>
public sealed class GitHubRateGate(TimeProvider time, int maxConcurrent, int maxPerMinute)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>The per-minute budget is refilled in twelfths, every this often.</summary>
    private static readonly TimeSpan RefillPeriod = TimeSpan.FromMinutes(1) / 12;

    private sealed class Lane(int maxConcurrent, int maxPerMinute, long createdAt)
    {
        public readonly SemaphoreSlim InFlight = new(maxConcurrent, maxConcurrent);
        public long BlockedUntilTicks;

        // A token bucket on the injected clock (System.Threading.RateLimiting's runs on the real one only).
        private readonly int _perRefill = Math.Max(1, maxPerMinute / 12);
        private readonly int _limit = maxPerMinute;
        private int _tokens = maxPerMinute;
        private long _refills;
        private readonly Lock _bucket = new();

        /// <summary>Takes a write from this minute's budget; null when taken, else how long until the next refill.</summary>
        public TimeSpan? TryTake(TimeProvider time)
        {
            lock (_bucket)
            {
                var elapsed = time.GetElapsedTime(createdAt);
                var refills = elapsed.Ticks / RefillPeriod.Ticks;
                if (refills > _refills)
                {
                    _tokens = (int)Math.Min(_limit, _tokens + (refills - _refills) * _perRefill);
                    _refills = refills;
                }
                if (_tokens > 0)
                {
                    _tokens--;
                    return null;
                }
                return RefillPeriod * (refills + 1) - elapsed;
            }
        }
    }

    /// <summary>The lane key is a hash of the token: the token itself is not kept in another place.</summary>
    private Lane For(string tokenKey) => _lanes.GetOrAdd(tokenKey, _ => new Lane(maxConcurrent, maxPerMinute, time.GetTimestamp()));

    /// <summary>How long the caller must wait before writing with this token, or null when it may go now.</summary>
    public TimeSpan? Blocked(string tokenKey)
    {
        var until = Interlocked.Read(ref For(tokenKey).BlockedUntilTicks);
        var now = time.GetUtcNow().UtcTicks;
        return until > now ? TimeSpan.FromTicks(until - now) : null;
    }

    public void BlockFor(string tokenKey, TimeSpan wait)
    {
        var lane = For(tokenKey);
        var until = time.GetUtcNow().Add(wait).UtcTicks;
        long seen;
        while ((seen = Interlocked.Read(ref lane.BlockedUntilTicks)) < until
               && Interlocked.CompareExchange(ref lane.BlockedUntilTicks, until, seen) != seen) { }
    }

    /// <summary>Takes a per-minute permit and an in-flight slot; null with the wait when the minute's budget is spent.</summary>
    public async Task<(IDisposable? Slot, TimeSpan? RetryAfter)> EnterAsync(string tokenKey, CancellationToken ct)
    {
        var lane = For(tokenKey);
        if (lane.TryTake(time) is { } wait)
            return (null, wait);
        await lane.InFlight.WaitAsync(ct).ConfigureAwait(false);
        return (new Release(lane.InFlight), null);
    }

    private sealed class Release(SemaphoreSlim s) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) s.Release(); }
    }
}
