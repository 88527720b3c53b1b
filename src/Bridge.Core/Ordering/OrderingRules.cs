namespace Bridge.Core.Ordering;

public enum Verdict
{
    /// <summary>Newer and different from what GitHub shows: post it.</summary>
    Post,
    /// <summary>Newer, but GitHub already shows exactly this status: remember it, post nothing.</summary>
    Record,
    /// <summary>The same event again (EventBridge delivers at least once).</summary>
    Duplicate,
    /// <summary>Older than what GitHub shows (late delivery): posting it would turn a result back.</summary>
    Stale,
}

/// <summary>
/// Decides whether a status may replace the one last posted to its slot (docs/architecture.md#ordering-rules):
/// a newer execution wins; within one execution a later attempt wins, then a terminal state beats pending,
/// then a later event beats an earlier one (without attempt numbers: the later event, a terminal state on a tie); an equal status is never posted twice.
/// </summary>
public static class OrderingRules
{
    public static Verdict Decide(LedgerEntry? last, LedgerEntry candidate)
    {
        if (last is null) return Verdict.Post;
        var order = Compare(candidate, last);
        if (order < 0) return Verdict.Stale;
        if (order == 0) return Verdict.Duplicate;
        return candidate.Status == last.Status ? Verdict.Record : Verdict.Post;
    }

    /// <summary>Total order over statuses of one slot; positive when <paramref name="a"/> is newer.</summary>
    public static int Compare(LedgerEntry a, LedgerEntry b)
    {
        if (!string.Equals(a.ExecutionId, b.ExecutionId, StringComparison.Ordinal))
        {
            var byStart = a.ExecutionStart.CompareTo(b.ExecutionStart);
            // Same start instant, different executions: any fixed tie-break keeps every instance agreeing.
            return byStart != 0 ? byStart : string.CompareOrdinal(a.ExecutionId, b.ExecutionId);
        }
        if (a.Attempt > 0 && b.Attempt > 0)
        {
            var byAttempt = a.Attempt.CompareTo(b.Attempt);
            if (byAttempt != 0) return byAttempt;
            // A late STARTED can carry the same second as its result: the terminal state wins the tie.
            var byRank = a.Status.IsTerminal.CompareTo(b.Status.IsTerminal);
            return byRank != 0 ? byRank : a.EventTime.CompareTo(b.EventTime);
        }
        // An attempt is missing (events from before CodePipeline sent one): only the event time shows that a RESUMED
        // came after the FAILED it retries, so time decides, and the terminal state wins only a tie.
        var byTime = a.EventTime.CompareTo(b.EventTime);
        return byTime != 0 ? byTime : a.Status.IsTerminal.CompareTo(b.Status.IsTerminal);
    }
}
