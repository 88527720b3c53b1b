using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Bridge.Core.Ordering;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;
using Microsoft.Extensions.Logging;

namespace Bridge.Core.Repair;

/// <summary>
/// Closes slots left pending because an execution's terminal event never arrived (EventBridge drops events now and then;
/// a delivery can run out of retries): docs/architecture.md#repair-sweep. Each sweep reads one bounded page of slots
/// pending for longer than <see cref="RepairSettings.After"/>, asks CodePipeline once per execution, and posts the final
/// status of each execution that has ended through <see cref="StatusSlot"/>, so the ordering rules and the claim apply
/// as for an event: a newer execution still wins, and two instances sweeping at once post nothing twice.
/// </summary>
public sealed class RepairSweep(
    IStatusLedger ledger,
    IExecutionSource executions,
    StatusSlot slots,
    IStatusPublisher publisher,
    HandlerOptions options,
    RepairSettings settings,
    TimeProvider time,
    ILogger<RepairSweep> log,
    ICheckRunPublisher? checks = null)
{
    /// <summary>
    /// How far after the pending status its repair ranks. Deterministic, so two instances build the same status and the
    /// second finds it a duplicate; and earlier than any real event of the execution, which then wins (it may say more).
    /// </summary>
    public static readonly TimeSpan RankAfterPending = TimeSpan.FromMilliseconds(1);

    private readonly StatusComposer _composer = new(options.ContextPrefix);
    private string? _continuation;

    /// <summary>One sweep. Not to be run twice at once on one instance (the host's timer runs sweeps one after another).</summary>
    public async Task<RepairReport> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var page = await ledger.ListPendingAsync(now - settings.After, settings.MaxPerSweep, _continuation, ct).ConfigureAwait(false);
        // The next sweep resumes after this page, so more pending slots than one page still all get their turn.
        _continuation = page.Continuation;

        var actions = new Dictionary<RepairAction, int>();
        var answers = new Dictionary<ExecutionRef, Answer>();
        var legacy = new List<StatusKey>();
        var rateLimited = false;
        foreach (var slot in page.Slots)
        {
            var action = await RepairAsync(slot, answers, legacy, now, rateLimited, ct).ConfigureAwait(false);
            // GitHub asked us to slow down: the rest waits for the next sweep instead of being refused one by one.
            rateLimited |= action.RateLimited;
            actions[action.Action] = actions.GetValueOrDefault(action.Action) + 1;
        }
        if (legacy.Count > 0) RepairLog.Legacy(log, legacy.Count, legacy[0].Repository, legacy[0].Sha, legacy[0].Context);

        var report = new RepairReport(now, page.Slots.Count, answers.Count, actions);
        RepairLog.Swept(log, report.Slots, report.Executions, report.Count(RepairAction.Posted), report.Count(RepairAction.GaveUp),
            report.Count(RepairAction.Unchanged), report.Count(RepairAction.Newer), report.Count(RepairAction.Running),
            report.Count(RepairAction.NotFound), report.Count(RepairAction.Failed), report.Count(RepairAction.Skipped));
        return report;
    }

    private async Task<(RepairAction Action, bool RateLimited)> RepairAsync(
        PendingSlot slot, Dictionary<ExecutionRef, Answer> answers, List<StatusKey> legacy, DateTimeOffset now, bool rateLimited, CancellationToken ct)
    {
        var (key, row) = slot;
        var last = row.Last!;
        if (last.Execution() is not { } x)
        {
            legacy.Add(key);
            return (RepairAction.Skipped, false);
        }
        // Already settled (a superseded execution left pending by configuration), or another instance is posting right now.
        if (last.Ended || row.IsLeased(now)) return (RepairAction.Skipped, false);
        if (Kind(key.Context, x.Pipeline) is not { } kind)
        {
            RepairLog.ForeignContext(log, key.Repository, key.Sha, key.Context, x.Pipeline);
            return (RepairAction.Skipped, false);
        }

        if (!answers.TryGetValue(x, out var answer))
            answers[x] = answer = await AskAsync(x, ct).ConfigureAwait(false);

        CommitStatus? status;
        var pending = now - last.EventTime;
        if (answer.Details is { } details)
        {
            if (!details.HasEnded)
            {
                RepairLog.Running(log, x.Pipeline, x.ExecutionId, details.Status ?? "unknown", key.Repository, key.Sha, key.Context);
                return (RepairAction.Running, false);
            }
            status = Final(kind, x, details.Status!);
        }
        else if (answer.NotFound && pending >= settings.GiveUpAfter)
        {
            status = StatusComposer.NeverReceived(x, key.Context);
        }
        else if (answer.NotFound)
        {
            RepairLog.NotFound(log, x.Pipeline, x.ExecutionId, key.Repository, key.Sha, key.Context, last.EventTime + settings.GiveUpAfter);
            return (RepairAction.NotFound, false);
        }
        else
        {
            RepairLog.Failed(log, x.Pipeline, x.ExecutionId, key.Repository, key.Sha, key.Context, answer.Problem!);
            return (RepairAction.Failed, false);
        }

        if (rateLimited && status is not null && status != last.Status)
        {
            RepairLog.Failed(log, x.Pipeline, x.ExecutionId, key.Repository, key.Sha, key.Context, "GitHub's rate limit was reached in this sweep");
            return (RepairAction.Failed, false);
        }

        // Same execution and attempt, ranked just after the pending it closes; Ended keeps the next sweep from asking again
        // when the status stays pending (Statuses:SupersededState Pending) or nothing is posted (None).
        var candidate = last with { EventTime = last.EventTime + RankAfterPending, Status = status ?? last.Status, Ended = true };
        var result = kind.CheckRun
            ? await ApplyRunAsync(key, candidate, x, answer.Details?.Status, now, ct).ConfigureAwait(false)
            : await ApplyAsync(key, candidate, ct).ConfigureAwait(false);
        var action = result.Outcome switch
        {
            Outcome.Posted when answer.Details is null => RepairAction.GaveUp,
            Outcome.Posted => RepairAction.Posted,
            Outcome.Unchanged or Outcome.Duplicate => RepairAction.Unchanged,
            Outcome.Stale => RepairAction.Newer,
            _ => RepairAction.Failed,
        };
        var word = result.Outcome.Word();
        if (result.Outcome == Outcome.Rejected)
        {
            // GitHub refused the status for good (422: the commit is gone, say). Remember that the slot is settled, as
            // GitHub still shows it (recorded, nothing posted), or every sweep would ask CodePipeline and GitHub again.
            await ApplyAsync(key, last with { EventTime = candidate.EventTime, Ended = true }, ct).ConfigureAwait(false);
            RepairLog.Failed(log, x.Pipeline, x.ExecutionId, key.Repository, key.Sha, key.Context, $"{word}: {result.Detail}; not tried again");
        }
        else if (action == RepairAction.Failed)
            RepairLog.Failed(log, x.Pipeline, x.ExecutionId, key.Repository, key.Sha, key.Context, $"{word}: {result.Detail}");
        else if (answer.Details is { } ended)
            RepairLog.Repaired(log, x.Pipeline, x.ExecutionId, ended.Status!, key.Repository, key.Sha, key.Context, word, result.Detail ?? "");
        else
            RepairLog.GaveUp(log, x.Pipeline, x.ExecutionId, pending, key.Repository, key.Sha, key.Context, word, result.Detail ?? "");
        return (action, result.Outcome == Outcome.RateLimited);
    }

    /// <summary>The execution's final status for this kind of slot, in the words the event path uses; null: post nothing.</summary>
    private CommitStatus? Final(SlotKind kind, ExecutionRef x, string executionStatus)
    {
        if (kind.Stage is { } stage)
            return executionStatus == "Succeeded"
                ? _composer.ForStage(x, stage, StateTable.ForStage("SUCCEEDED")!)
                : _composer.StageNeverReported(x, stage, executionStatus);
        if (StateTable.ForPipeline(EventState(executionStatus), options.SupersededState) is not { } mapping) return null;
        return kind.Rollback ? _composer.ForRollback(x, mapping) : _composer.ForPipeline(x, mapping);
    }

    /// <summary>GetPipelineExecution's word for an ended execution, as the state-change events spell it.</summary>
    internal static string EventState(string executionStatus) => executionStatus switch
    {
        "Succeeded" => "SUCCEEDED",
        "Failed" => "FAILED",
        "Stopped" => "STOPPED",
        "Cancelled" => "CANCELED",
        "Superseded" => "SUPERSEDED",
        _ => executionStatus,
    };

    /// <summary>Which status a context holds: the pipeline's, its rollback's, or a stage's; null when not this pipeline's under this prefix.</summary>
    private SlotKind? Kind(string context, string pipeline)
    {
        // A check run's slot: its run is named like the pipeline's (or the rollback's) status context.
        if (context.StartsWith(RevisionWriter.CheckSlotPrefix, StringComparison.Ordinal) && checks is not null)
            return Kind(context[RevisionWriter.CheckSlotPrefix.Length..], pipeline) is { Stage: null } run ? run with { CheckRun = true } : null;
        if (context == _composer.PipelineContext(pipeline)) return new SlotKind(false, null);
        if (context == _composer.RollbackContext(pipeline)) return new SlotKind(true, null);
        var stagePrefix = _composer.StageContext(pipeline, null);
        return context.Length > stagePrefix.Length && context.StartsWith(stagePrefix, StringComparison.Ordinal)
            ? new SlotKind(false, context[stagePrefix.Length..])
            : null;
    }

    private async Task<Answer> AskAsync(ExecutionRef x, CancellationToken ct)
    {
        // The budget runs on the injected clock, as an event's does.
        using var deadline = new CancellationTokenSource(options.Budget.Total, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            return new Answer(await executions.GetExecutionAsync(x, budget.Token).ConfigureAwait(false), false, null);
        }
        catch (UpstreamException ex)
        {
            return new Answer(null, ex.Code is "PipelineExecutionNotFoundException" or "PipelineNotFoundException", ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Answer(null, false, "CodePipeline did not answer within the request budget");
        }
    }

    private Task<SlotResult> ApplyAsync(StatusKey key, LedgerEntry candidate, CancellationToken ct) =>
        ApplyWithinBudgetAsync(key, candidate, (publisher, RevisionOf(key), candidate.Status), RevisionWriter.PostStatus, ct);

    /// <summary>Each post runs under the request budget, as an event's would, so it ends well inside the claim's lease.</summary>
    private async Task<SlotResult> ApplyWithinBudgetAsync<TState>(StatusKey key, LedgerEntry candidate, TState state,
        Func<TState, long?, CancellationToken, Task<PublishResult>> post, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(options.Budget.Total, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            return await slots.ApplyAsync(key, candidate, state, post, budget.Token).ConfigureAwait(false);
        }
        catch (UpstreamException ex)
        {
            return new SlotResult(Outcomes.Of(ex.Kind), ex.Message, ex.RetryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SlotResult(Outcome.Retry, "the request budget ran out before the status was posted");
        }
    }

    /// <summary>The commit a slot belongs to (its key holds host, "owner/repo" and sha).</summary>
    private static GitHubRevision RevisionOf(StatusKey key)
    {
        var slash = key.Repository.IndexOf('/', StringComparison.Ordinal);
        return new GitHubRevision(key.Host, key.Repository[..slash], key.Repository[(slash + 1)..], key.Sha);
    }

    private sealed record Answer(ExecutionDetails? Details, bool NotFound, string? Problem);

    private sealed record SlotKind(bool Rollback, string? Stage, bool CheckRun = false);

    /// <summary>
    /// Finishes a check run left in progress: the run this execution's events opened (its id is in the row) gets the
    /// execution's conclusion, or <c>timed_out</c> when CodePipeline no longer knows the execution.
    /// </summary>
    private Task<SlotResult> ApplyRunAsync(StatusKey key, LedgerEntry candidate, ExecutionRef x, string? executionStatus, DateTimeOffset now, CancellationToken ct)
    {
        var conclusion = executionStatus is null ? "timed_out" : CheckRunComposer.Map(EventState(executionStatus))?.Conclusion ?? "neutral";
        var title = candidate.Status.Description;
        var run = new CheckRun(candidate.Status.Context, CheckRunComposer.ExternalId(x), "completed", conclusion, title,
            $"**{title}**\n\nRead from CodePipeline by the bridge's repair sweep: the event that reports this result never arrived.\n",
            candidate.Status.TargetUrl, candidate.ExecutionStart, now);
        return ApplyWithinBudgetAsync(key, candidate, (checks!, RevisionOf(key), run), RevisionWriter.PostRun, ct);
    }
}
