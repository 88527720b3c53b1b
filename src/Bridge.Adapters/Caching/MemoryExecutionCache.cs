using Bridge.Core.Handling;
using Microsoft.Extensions.Caching.Memory;

namespace Bridge.Adapters.Caching;

/// <summary>
/// What each execution resolved to, bounded in count and age: executions rarely run longer than a day,
/// and a miss only costs one GetPipelineExecution call.
/// </summary>
public sealed class MemoryExecutionCache(TimeProvider time, int maxExecutions = 20_000) : IExecutionCache, IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = maxExecutions, Clock = new Clock(time) });
    private static readonly TimeSpan Sliding = TimeSpan.FromHours(2);
    private static readonly TimeSpan Absolute = TimeSpan.FromHours(26);

    public ExecutionFacts? Get(ExecutionRef execution) =>
        _cache.TryGetValue(execution, out ExecutionFacts? facts) ? facts : null;

    public void Set(ExecutionRef execution, ExecutionFacts facts) =>
        _cache.Set(execution, facts, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Sliding, AbsoluteExpirationRelativeToNow = Absolute });

    public void Dispose() => _cache.Dispose();

#pragma warning disable CS0618 // ISystemClock is the only way MemoryCache takes an injected clock.
    private sealed class Clock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
