using System.Collections.Concurrent;
using Bridge.Core.Handling;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Keeps the bridge a polite GitHub client per token: at most N writes in flight (secondary limit: 100 concurrent),
/// at most M status writes a minute (secondary limit: about 80 content-creating requests a minute) and at most H an hour
/// (secondary limit: 500 content-creating requests an hour), whichever runs out first; and once GitHub has said
/// "wait until T", nothing is sent with that token before T (at most <see cref="RequestBudget.MaxRetryAfter"/> ahead):
/// the wait goes back to EventBridge instead.
/// </summary>
public sealed class GitHubRateGate(TimeProvider time, int maxConcurrent, int maxPerMinute, int maxPerHour = 500)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>A token bucket on the injected clock (System.Threading.RateLimiting's runs on the real one only), refilled in twelfths.</summary>
    private sealed class Bucket(int limit, TimeSpan window)
    {
        private readonly TimeSpan _period = window / 12;
        private readonly int _limit = limit;
        private readonly int _perRefill = Math.Max(1, limit / 12);
        private int _tokens = limit;
        private long _refills;

        /// <summary>Brings the bucket up to date; null when a write is left, else how long until the next refill.</summary>
        public TimeSpan? Refill(TimeSpan elapsed)
        {
            var refills = elapsed.Ticks / _period.Ticks;
            if (refills > _refills)
            {
                _tokens = (int)Math.Min(_limit, _tokens + (refills - _refills) * _perRefill);
                _refills = refills;
            }
            return _tokens > 0 ? null : _period * (refills + 1) - elapsed;
        }

        public void Take() => _tokens--;
    }

    private sealed class Lane(int maxConcurrent, int maxPerMinute, int maxPerHour, long createdAt)
    {
        public readonly SemaphoreSlim InFlight = new(maxConcurrent, maxConcurrent);
        public long BlockedUntilTicks;

        private readonly Bucket _minute = new(maxPerMinute, TimeSpan.FromMinutes(1));
        private readonly Bucket _hour = new(maxPerHour, TimeSpan.FromHours(1));
        private readonly Lock _bucket = new();

        /// <summary>Takes a write from this minute's and this hour's budgets; null when taken, else how long until both have one.</summary>
        public TimeSpan? TryTake(TimeProvider time)
        {
            lock (_bucket)
            {
                var elapsed = time.GetElapsedTime(createdAt);
                var minute = _minute.Refill(elapsed);
                var hour = _hour.Refill(elapsed);
                if (minute is null && hour is null)
                {
                    _minute.Take();
                    _hour.Take();
                    return null;
                }
                return TimeSpan.FromTicks(Math.Max(minute?.Ticks ?? 0, hour?.Ticks ?? 0));
            }
        }
    }

    /// <summary>The lane key is a hash of the token: the token itself is not kept in another place.</summary>
    private Lane For(string tokenKey) => _lanes.GetOrAdd(tokenKey, _ => new Lane(maxConcurrent, maxPerMinute, maxPerHour, time.GetTimestamp()));

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
        // A far-future Retry-After or reset must not park the token until a restart: an hour at most.
        var until = time.GetUtcNow().Add(RequestBudget.CapRetryAfter(wait)).UtcTicks;
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
