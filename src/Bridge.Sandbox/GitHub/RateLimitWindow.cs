using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>
/// The hourly "core" budget behind GitHub's <c>x-ratelimit-*</c> headers. It only counts, it never refuses:
/// running out is a fault a test asks for (<see cref="FakeGitHub.PrimaryRateLimit403"/>), not something a benchmark
/// should stumble into after 5,000 posts.
/// </summary>
internal sealed class RateLimitWindow(TimeProvider time, int limit)
{
    private readonly Lock _lock = new();
    private long _resetEpoch;
    private int _used;

    public int Limit { get; set; } = limit;

    public Snapshot Consume()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_lock)
        {
            if (now >= _resetEpoch)
            {
                _resetEpoch = now + 3600;
                _used = 0;
            }

            _used++;
            return new Snapshot(Limit, Math.Max(0, Limit - _used), _resetEpoch, _used);
        }
    }

    internal readonly record struct Snapshot(int Limit, int Remaining, long Reset, int Used)
    {
        public void WriteHeaders(HttpResponse response)
        {
            var headers = response.Headers;
            headers["x-ratelimit-limit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining"] = Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset"] = Reset.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-used"] = Used.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-resource"] = "core";
        }
    }
}
