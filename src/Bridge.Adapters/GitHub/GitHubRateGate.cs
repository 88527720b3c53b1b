using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// Keeps the bridge a polite GitHub client per token: at most N writes in flight (secondary limit: 100 concurrent),
/// at most M status writes a minute (secondary limit: about 80 content-creating requests a minute), and once GitHub
/// has said "wait until T", nothing is sent with that token before T: the wait goes back to EventBridge instead.
/// </summary>
public sealed class GitHubRateGate(TimeProvider time, int maxConcurrent, int maxPerMinute)
{
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    private sealed class Lane(int maxConcurrent, int maxPerMinute)
    {
        public readonly SemaphoreSlim InFlight = new(maxConcurrent, maxConcurrent);
        public readonly TokenBucketRateLimiter PerMinute = new(new TokenBucketRateLimiterOptions
        {
            TokenLimit = maxPerMinute,
            TokensPerPeriod = Math.Max(1, maxPerMinute / 12),
            ReplenishmentPeriod = TimeSpan.FromSeconds(5),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
        public long BlockedUntilTicks;
    }

    /// <summary>The lane key is a hash of the token: the token itself is not kept in another place.</summary>
    private Lane For(string tokenKey) => _lanes.GetOrAdd(tokenKey, _ => new Lane(maxConcurrent, maxPerMinute));

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
        using var permit = lane.PerMinute.AttemptAcquire();
        if (!permit.IsAcquired)
            return (null, permit.TryGetMetadata(MetadataName.RetryAfter, out var ra) ? ra : TimeSpan.FromSeconds(5));
        await lane.InFlight.WaitAsync(ct).ConfigureAwait(false);
        return (new Release(lane.InFlight), null);
    }

    private sealed class Release(SemaphoreSlim s) : IDisposable
    {
        private int _done;
        public void Dispose() { if (Interlocked.Exchange(ref _done, 1) == 0) s.Release(); }
    }
}
