using Bridge.Core.Checks;
using Bridge.Core.Events;
using Bridge.Core.Ordering;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;
using Microsoft.Extensions.Logging;

namespace Bridge.Core.Handling;

/// <summary>
/// The one handler both hosts run: event in, statuses out, and an answer that tells EventBridge whether it is done
/// (2xx), should give up (4xx → dead-letter queue) or try again later (429/503 + Retry-After). It routes, finds the
/// commits and composes the status; <see cref="StatusSlot"/> decides and posts. Every step is safe to repeat:
/// EventBridge redelivers anything not answered in time.
/// </summary>
public sealed class PipelineEventHandler(
    CommitFinder commits,
    StatusSlot slots,
    IStatusPublisher publisher,
    HandlerOptions options,
    TimeProvider time,
    ILogger<PipelineEventHandler> log,
    ICheckRunPublisher? checks = null,
    IPipelineActions? actions = null)
{
    private readonly StatusComposer _composer = new(options.ContextPrefix);
    private readonly RevisionWriter _writer = new(slots, publisher, checks, options);

    public async Task<EventResult> HandleAsync(ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var parsed = EventParser.Parse(body);
        if (parsed.Event is not { } e)
        {
            HandlerLog.Invalid(log, parsed.Problem!.Detail);
            return EventResult.Invalid(parsed.Problem.Detail);
        }

        // The budget runs on the injected clock, so tests of it advance time instead of waiting for it.
        using var deadline = new CancellationTokenSource(options.Budget.Total, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        EventResult result;
        try
        {
            result = await HandleEventAsync(e, budget.Token).ConfigureAwait(false);
        }
        catch (UpstreamException ex)
        {
            result = Failed(e, Outcomes.Of(ex.Kind), ex.Message, ex.RetryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result = Failed(e, Outcome.Retry, "the request budget ran out before every status was posted", null);
        }

        HandlerLog.Event(log, e.Id, e.Pipeline, e.ExecutionId, e.State, result.Outcome.Word(), result.StatusCode);
        foreach (var r in result.Revisions)
            HandlerLog.Revision(log, e.Id, e.Pipeline, e.ExecutionId, r.Repository, r.Sha ?? "-", r.Outcome.Word(), r.Detail ?? "");
        return result;
    }

    private async Task<EventResult> HandleEventAsync(CodePipelineEvent e, CancellationToken ct)
    {
        var execution = CommitFinder.Ref(e);
        if (e.Level == EventLevel.Stage && e.State == "FAILED" && e.Stage is not null) commits.Remember(execution, failedStage: e.Stage);
        var (mapping, ignored) = e.Level switch
        {
            EventLevel.Pipeline => (StateTable.ForPipeline(e.State, options.SupersededState), null),
            EventLevel.Stage when !options.PostStageStatuses || e.Stage is null => (null, "stage events post no status (Statuses:PostStageStatuses is off)"),
            EventLevel.Stage => (StateTable.ForStage(e.State), null),
            _ => ((StateMapping?)null, "action events post no status"),
        };
        if (ignored is not null) return Done(e, Outcome.Ignored, ignored);
        if (mapping is null)
        {
            if (!StateTable.IsKnownNoPost(e.State)) HandlerLog.UnknownState(log, e.Id, e.Pipeline, e.State);
            return Done(e, Outcome.Ignored, $"state {e.State} posts no status");
        }

        var known = commits.Known(execution);
        var startTime = e.StartTime ?? known?.StartTime ?? (e.State == "STARTED" ? e.Time : null);
        if (startTime is not null && known?.StartTime is null) commits.Remember(execution, startTime: startTime);

        var found = await commits.FindAsync(e, mapping.State == CommitState.Pending, ct).ConfigureAwait(false);
        if (found.Rollback && (!options.PostRollbackStatuses || e.Level != EventLevel.Pipeline))
            return Done(e, Outcome.Ignored, options.PostRollbackStatuses
                ? "stage events of a rollback post no status (the rollback reports on its own context)"
                : "rollback executions post no status (Statuses:PostRollbackStatuses is off)");

        var status = found.Rollback ? _composer.ForRollback(e, mapping)
            : e.Level == EventLevel.Stage ? _composer.ForStage(e, mapping)
            : _composer.ForPipeline(e, mapping, e.FailedStage ?? commits.Known(execution)?.FailedStage);
        // Without any start time (old events, cache lost), the event's own time is the best estimate available.
        // Account, region and pipeline let the repair sweep ask CodePipeline about a slot whose result never arrives.
        var candidate = new LedgerEntry(e.ExecutionId, startTime ?? e.Time, e.Attempt ?? 0, e.OrderTime, status) { Account = e.Account, Region = e.Region, Pipeline = e.Pipeline };
        // A run only where runs are written (its summary is composed text); a finished one lists its stages and actions,
        // one ListActionExecutions per terminal event.
        var run = e.Level == EventLevel.Pipeline && _writer.WritesChecks(found.Revisions.GitHub)
            ? CheckRunComposer.Compose(e, status, startTime, !found.Rollback && options.OfferButtons(e.Pipeline)) : null;
        if (run is { Conclusion: not null } && actions is not null)
            run = await CheckRunDetails.AddAsync(run, actions, execution, ct).ConfigureAwait(false);
        var result = await PostAsync(e, found.Revisions, candidate, run, ct).ConfigureAwait(false);

        // A tag trigger's commit-id can be the annotated tag's own object, which GitHub refuses (422): the execution's
        // recorded sources name the commit the tag points at.
        if (found.FromTrigger && e.Trigger?.TagName is not null && result.Outcome == Outcome.Rejected)
        {
            HandlerLog.TagFallback(log, e.Id, e.Pipeline, e.ExecutionId, e.Trigger.TagName);
            var recorded = await commits.FindAsync(e, mapping.State == CommitState.Pending, ct, useTrigger: false).ConfigureAwait(false);
            result = await PostAsync(e, recorded.Revisions, candidate, run, ct).ConfigureAwait(false);
        }
        return result;
    }

    private async Task<EventResult> PostAsync(CodePipelineEvent e, ResolvedRevisions revisions, LedgerEntry candidate, CheckRun? run, CancellationToken ct)
    {
        var skipped = new RevisionOutcome[revisions.Skipped.Count];
        for (var i = 0; i < skipped.Length; i++)
        {
            var s = revisions.Skipped[i];
            skipped[i] = new RevisionOutcome(s.Source, null, null, Outcome.Skipped, s.Reason);
            HandlerLog.Skipped(log, e.Id, e.Pipeline, e.ExecutionId, s.Source, s.Reason);
        }
        if (revisions.GitHub.Count == 0)
            return revisions.IsEmpty
                ? new EventResult(Outcome.NoRevisions, "the execution has no source revisions", null, Summary(e), skipped)
                : new EventResult(Outcome.Skipped, "no source of this execution is on GitHub", null, Summary(e), skipped);

        // Most executions build one commit: that one is awaited directly, without the fan-out's iterator and closure.
        var outcomes = revisions.GitHub.Count == 1
            ? await _writer.WriteAsync(revisions.GitHub[0], candidate, run, ct).ConfigureAwait(false)
            : (await Task.WhenAll(revisions.GitHub.Select(r => _writer.WriteAsync(r, candidate, run, ct))).ConfigureAwait(false)).SelectMany(o => o).ToArray();
        return Summarise(e, skipped.Length == 0 ? outcomes : [.. outcomes, .. skipped]);
    }

    private static EventResult Summarise(CodePipelineEvent e, IReadOnlyList<RevisionOutcome> outcomes)
    {
        var summary = Outcomes.Summarise(outcomes);
        return new EventResult(summary, Outcomes.Explain(summary), outcomes.Max(o => o.RetryAfter), Summary(e), outcomes);
    }

    private static EventResult Done(CodePipelineEvent e, Outcome outcome, string detail) => new(outcome, detail, null, Summary(e), []);

    private static EventResult Failed(CodePipelineEvent e, Outcome outcome, string message, TimeSpan? retryAfter) =>
        new(outcome, message, retryAfter, Summary(e), []);

    private static EventSummary Summary(CodePipelineEvent e) => new(e.Id, e.Pipeline, e.ExecutionId, e.State);
}
