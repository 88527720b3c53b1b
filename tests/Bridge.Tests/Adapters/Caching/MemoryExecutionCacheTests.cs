using Bridge.Adapters.Caching;
using Bridge.Core.Handling;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.Caching;

/// <summary>What an execution resolved to, kept per account and region, bounded in count and age on a fake clock.</summary>
public sealed class MemoryExecutionCacheTests : IDisposable
{
    private static readonly ExecutionFacts Facts = new(null, DateTimeOffset.UnixEpoch, null);
    private readonly FakeTimeProvider _clock = new();
    private readonly MemoryExecutionCache _cache;

    public MemoryExecutionCacheTests() => _cache = new MemoryExecutionCache(_clock, maxExecutions: 3);

    public void Dispose() => _cache.Dispose();

    private static ExecutionRef Ref(string account = "111122223333", string region = "eu-west-1", string id = "e1") =>
        new(account, region, "worker", id);

    [Fact]
    public void An_execution_is_found_only_in_its_own_account_and_region()
    {
        _cache.Set(Ref(), Facts);
        Assert.Same(Facts, _cache.Get(Ref()));
        Assert.Null(_cache.Get(Ref(account: "444455556666")));
        Assert.Null(_cache.Get(Ref(region: "us-east-1")));
    }

    [Fact]
    public void It_holds_no_more_executions_than_its_bound()
    {
        for (var i = 0; i < 10; i++) _cache.Set(Ref(id: $"e{i}"), Facts);
        var held = Enumerable.Range(0, 10).Count(i => _cache.Get(Ref(id: $"e{i}")) is not null);
        Assert.InRange(held, 1, 3);
    }

    [Fact]
    public void An_execution_not_asked_for_in_two_hours_is_forgotten()
    {
        _cache.Set(Ref(), Facts);
        _clock.Advance(TimeSpan.FromHours(1.9));
        Assert.NotNull(_cache.Get(Ref())); // asking again restarts the two hours
        _clock.Advance(TimeSpan.FromHours(1.9));
        Assert.NotNull(_cache.Get(Ref()));
        _clock.Advance(TimeSpan.FromHours(2.1));
        Assert.Null(_cache.Get(Ref()));
    }

    [Fact]
    public void An_execution_asked_for_all_along_is_forgotten_after_26_hours()
    {
        _cache.Set(Ref(), Facts);
        for (var hour = 1; hour <= 25; hour++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            Assert.NotNull(_cache.Get(Ref()));
        }
        _clock.Advance(TimeSpan.FromHours(1.1));
        Assert.Null(_cache.Get(Ref()));
    }
}
