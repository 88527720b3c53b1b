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

    private readonly ConcurrentDictionary<ExecutionRef, Lazy<Task<ResolvedRevisions>>> _lookups = new();

    public static ExecutionRef Ref(CodePipelineEvent e) => new(e.Account, e.Region, e.Pipeline, e.ExecutionId);

    /// <param name="pending">Right after STARTED the source action may not have run yet: keep reading, within the budget.</param>
    public async Task<ResolvedRevisions> FindAsync(CodePipelineEvent e, bool pending, CancellationToken ct)
    {
        if (resolver.FromTrigger(e.Trigger) is { } fromTrigger)
            return new ResolvedRevisions([fromTrigger], []);
        var execution = Ref(e);
        if (cache.Get(execution)?.Revisions is { IsEmpty: false } cached)
            return cached;

        var lookup = _lookups.GetOrAdd(execution, x => new Lazy<Task<ResolvedRevisions>>(() => LookUpAsync(x, pending)));
        try
        {
            // The lookup runs on its own budget: one caller giving up must not fail the others sharing it.
            return await lookup.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _lookups.TryRemove(KeyValuePair.Create(execution, lookup));
        }
    }

    /// <summary>Remembers facts about an execution for its later events; a null leaves what is known.</summary>
    public void Remember(ExecutionRef execution, ResolvedRevisions? revisions = null, DateTimeOffset? startTime = null, string? failedStage = null)
    {
        var known = cache.Get(execution);
        cache.Set(execution, new ExecutionFacts(revisions ?? known?.Revisions, startTime ?? known?.StartTime, failedStage ?? known?.FailedStage));
    }

    public ExecutionFacts? Known(ExecutionRef execution) => cache.Get(execution);

    private async Task<ResolvedRevisions> LookUpAsync(ExecutionRef execution, bool pending)
    {
        using var own = new CancellationTokenSource(budget.Total, time);
        var started = time.GetTimestamp();
        var delay = FirstReread;
        while (true)
        {
            var artifacts = await source.GetArtifactRevisionsAsync(execution, own.Token).ConfigureAwait(false);
            if (artifacts.Count > 0)
            {
                var resolved = resolver.FromArtifacts(artifacts);
                Remember(execution, revisions: resolved);
                return resolved;
            }
            // The API is eventually consistent too: an execution just started may not list its sources yet.
            if (!pending) return ResolvedRevisions.None;
            if (time.GetElapsedTime(started) + delay > budget.RevisionWait)
                throw new UpstreamException("CodePipeline", FailureKind.Transient, "the execution has no source revisions yet", RequestBudget.DefaultRetryAfter);
            await Task.Delay(delay, time, own.Token).ConfigureAwait(false);
            delay *= 2;
        }
    }
}
