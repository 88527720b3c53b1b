using System.Collections.Concurrent;
using Bridge.Core.Events;
using Bridge.Core.Revisions;

namespace Bridge.Core.Handling;

/// <summary>
/// Finds the commits an execution built, cheapest source first: the V2 trigger, then what this process learned from
/// earlier events of the execution, then CodePipeline's GetPipelineExecution. Events of one execution that arrive
/// together (STARTED and the terminal event of a short run) share one lookup.
/// </summary>
public sealed class CommitFinder(IExecutionSource source, IExecutionCache cache, RevisionResolver resolver, RequestBudget budget, TimeProvider time)
{
    /// <summary>The first pause before reading again an execution whose sources are not recorded yet; it doubles each time.</summary>
    public static readonly TimeSpan FirstReread = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<ExecutionRef, Lazy<Task<FoundCommits>>> _lookups = new();

    public static ExecutionRef Ref(CodePipelineEvent e) => new(e.Account, e.Region, e.Pipeline, e.ExecutionId);

    /// <param name="pending">Right after STARTED the source action may not have run yet: keep reading, within the budget.</param>
    /// <param name="useTrigger">False to ignore the trigger's commit (GitHub refused it) and read the recorded sources.</param>
    public async Task<FoundCommits> FindAsync(CodePipelineEvent e, bool pending, CancellationToken ct, bool useTrigger = true)
    {
        var rollbackTrigger = ExecutionKinds.IsRollbackTrigger(e.Trigger?.TriggerType);
        if (useTrigger && !rollbackTrigger && resolver.FromTrigger(e.Trigger) is { } fromTrigger)
            return new FoundCommits(new ResolvedRevisions([fromTrigger], []), Rollback: false, FromTrigger: true);
        var execution = Ref(e);
        if (cache.Get(execution) is { Revisions: { IsEmpty: false } cached, Rollback: { } rollback })
            return new FoundCommits(cached, rollback);

        var lookup = _lookups.GetOrAdd(execution, x => new Lazy<Task<FoundCommits>>(() => LookUpAsync(x, pending)));
        try
        {
            // The lookup runs on its own budget: one caller giving up must not fail the others sharing it.
            var found = await lookup.Value.WaitAsync(ct).ConfigureAwait(false);
            return rollbackTrigger && !found.Rollback ? found with { Rollback = true } : found;
        }
        finally
        {
            _lookups.TryRemove(KeyValuePair.Create(execution, lookup));
        }
    }

    /// <summary>Remembers facts about an execution for its later events; a null leaves what is known.</summary>
    public void Remember(ExecutionRef execution, ResolvedRevisions? revisions = null, DateTimeOffset? startTime = null, string? failedStage = null, bool? rollback = null)
    {
        var known = cache.Get(execution);
        cache.Set(execution, new ExecutionFacts(revisions ?? known?.Revisions, startTime ?? known?.StartTime, failedStage ?? known?.FailedStage, rollback ?? known?.Rollback));
    }

    public ExecutionFacts? Known(ExecutionRef execution) => cache.Get(execution);

    private async Task<FoundCommits> LookUpAsync(ExecutionRef execution, bool pending)
    {
        using var own = new CancellationTokenSource(budget.Total, time);
        var started = time.GetTimestamp();
        var delay = FirstReread;
        while (true)
        {
            var details = await source.GetExecutionAsync(execution, own.Token).ConfigureAwait(false);
            var artifacts = details.Revisions;
            // A rollback redeploys its target's sources; should it not list them itself, the target does.
            if (artifacts.Count == 0 && details.IsRollback && details.RollbackTarget is { Length: > 0 } target)
                artifacts = (await source.GetExecutionAsync(execution with { ExecutionId = target }, own.Token).ConfigureAwait(false)).Revisions;
            if (artifacts.Count > 0)
            {
                var resolved = resolver.FromArtifacts(artifacts);
                Remember(execution, revisions: resolved, rollback: details.IsRollback);
                return new FoundCommits(resolved, details.IsRollback);
            }
            // An execution that ended without sources (it failed in its source stage) will never have any: final, not "not yet".
            // While it runs, the API is eventually consistent too: an execution just started may not list its sources yet.
            if (!pending || details.HasEnded) return new FoundCommits(ResolvedRevisions.None, details.IsRollback);
            if (time.GetElapsedTime(started) + delay > budget.RevisionWait)
                throw new UpstreamException("CodePipeline", FailureKind.Transient, "the execution has no source revisions yet", RequestBudget.DefaultRetryAfter);
            await Task.Delay(delay, time, own.Token).ConfigureAwait(false);
            delay *= 2;
        }
    }
}
