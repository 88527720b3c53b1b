using Bridge.Core.Ordering;
using Bridge.Core.Statuses;

namespace Bridge.Tests.Core.Ordering;

public class OrderingRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static LedgerEntry Entry(string exec, int startMin, int eventMin, CommitState state, int attempt = 1) =>
        new(exec, T0.AddMinutes(startMin), attempt, T0.AddMinutes(eventMin),
            new CommitStatus(state, "codepipeline/p", $"{exec} {state}", $"https://x/{exec}"));

    [Fact]
    public void First_status_is_posted() => Assert.Equal(Verdict.Post, OrderingRules.Decide(null, Entry("a", 0, 0, CommitState.Pending)));

    [Fact]
    public void Late_started_does_not_turn_a_result_back() =>
        Assert.Equal(Verdict.Stale, OrderingRules.Decide(Entry("a", 0, 5, CommitState.Success), Entry("a", 0, 0, CommitState.Pending)));

    [Fact]
    public void Terminal_beats_pending_within_an_execution() =>
        Assert.Equal(Verdict.Post, OrderingRules.Decide(Entry("a", 0, 0, CommitState.Pending), Entry("a", 0, 5, CommitState.Failure)));

    [Fact]
    public void Newer_execution_wins_whatever_arrives_first()
    {
        Assert.Equal(Verdict.Post, OrderingRules.Decide(Entry("a", 0, 9, CommitState.Success), Entry("b", 1, 1, CommitState.Pending)));
        Assert.Equal(Verdict.Stale, OrderingRules.Decide(Entry("b", 1, 1, CommitState.Pending), Entry("a", 0, 9, CommitState.Success)));
    }

    [Fact]
    public void The_same_event_twice_is_a_duplicate() =>
        Assert.Equal(Verdict.Duplicate, OrderingRules.Decide(Entry("a", 0, 5, CommitState.Success), Entry("a", 0, 5, CommitState.Success)));

    [Fact]
    public void A_newer_but_identical_status_is_recorded_not_posted()
    {
        var started = Entry("a", 0, 0, CommitState.Pending);
        var resumed = started with { EventTime = T0.AddMinutes(3) };
        Assert.Equal(Verdict.Record, OrderingRules.Decide(started, resumed));
    }

    [Fact]
    public void A_retried_attempt_reopens_a_failed_execution() =>
        Assert.Equal(Verdict.Post, OrderingRules.Decide(Entry("a", 0, 5, CommitState.Failure), Entry("a", 0, 7, CommitState.Pending, attempt: 2)));

    [Fact]
    public void A_resumed_without_an_attempt_is_not_beaten_by_the_failure_it_follows()
    {
        var failed = Entry("a", 0, 5, CommitState.Failure, attempt: 0);
        var resumed = Entry("a", 0, 7, CommitState.Pending, attempt: 0);
        var succeeded = Entry("a", 0, 9, CommitState.Success, attempt: 0);
        Assert.Equal(Verdict.Post, OrderingRules.Decide(failed, resumed));
        Assert.Equal(Verdict.Stale, OrderingRules.Decide(resumed, failed));
        Assert.Equal(Verdict.Post, OrderingRules.Decide(resumed, succeeded));
        // The FAILED carried an attempt, the RESUMED did not.
        Assert.Equal(Verdict.Post, OrderingRules.Decide(failed with { Attempt = 1 }, resumed));
    }

    [Fact]
    public void Without_attempts_a_late_started_is_still_stale_and_a_same_second_result_still_wins()
    {
        Assert.Equal(Verdict.Stale, OrderingRules.Decide(Entry("a", 0, 5, CommitState.Success, attempt: 0), Entry("a", 0, 0, CommitState.Pending, attempt: 0)));
        Assert.Equal(Verdict.Stale, OrderingRules.Decide(Entry("a", 0, 5, CommitState.Success, attempt: 0), Entry("a", 0, 5, CommitState.Pending, attempt: 0)));
    }

    [Fact]
    public void Executions_starting_at_the_same_instant_order_the_same_way_everywhere()
    {
        var x = Entry("a", 0, 1, CommitState.Success);
        var y = Entry("b", 0, 1, CommitState.Failure);
        Assert.Equal(-Math.Sign(OrderingRules.Compare(x, y)), Math.Sign(OrderingRules.Compare(y, x)));
        Assert.NotEqual(0, OrderingRules.Compare(x, y));
    }
}
