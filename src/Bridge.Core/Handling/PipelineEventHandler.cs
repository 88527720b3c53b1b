using Bridge.Core.Events;
using Bridge.Core.Ordering;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;
using Microsoft.Extensions.Logging;

namespace Bridge.Core.Handling;

/// <summary>
/// The one handler both hosts run: event in, statuses out, and an answer that tells EventBridge
/// whether it is done (2xx), should give up (4xx → dead-letter queue) or try again later (429/503 + Retry-After).
/// Every step is safe to repeat: EventBridge redelivers anything not answered within 5 seconds.
/// </summary>
public sealed partial class PipelineEventHandler(
    IExecutionSource source,
    IExecutionCache cache,
    IStatusLedger ledger,
    IStatusPublisher publisher,
    SlotLocks locks,
    RevisionResolver resolver,
    HandlerOptions options,
    TimeProvider time,
    ILogger<PipelineEventHandler> log)
{
    private readonly StatusComposer _composer = new(options.ContextPrefix);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), Lazy<Task<ResolvedRevisions>>> _lookups = new();

    public async Task<EventResult> HandleAsync(ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var parsed = EventParser.Parse(body);
        if (parsed.Event is not { } e)
        {
            LogInvalid(log, parsed.Problem!.Detail);
            return EventResult.Invalid(400, parsed.Problem.Detail);
        }

        // The budget runs on the injected clock, so tests of it advance time instead of waiting for it.
        using var deadline = new CancellationTokenSource(options.RequestBudget, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        EventResult result;
        try
        {
            result = await HandleEventAsync(e, budget.Token).ConfigureAwait(false);
        }
        catch (UpstreamException ex)
        {
            result = Failure(e, ex.Kind, ex.Message, ex.RetryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            result = Failure(e, FailureKind.Transient, "the request budget ran out before every status was posted", null);
        }

        LogEvent(log, e.Id, e.Pipeline, e.ExecutionId, e.State, result.Outcome, result.StatusCode);
        foreach (var r in result.Revisions)
            LogRevision(log, e.Id, e.Pipeline, e.ExecutionId, r.Repository, r.Sha ?? "-", r.Outcome, r.Detail ?? "");
        return result;
    }

    private async Task<EventResult> HandleEventAsync(CodePipelineEvent e, CancellationToken ct)
    {
        StateMapping? mapping;
        switch (e.Level)
        {
            case EventLevel.Pipeline:
                mapping = StateTable.ForPipeline(e.State);
                break;
            case EventLevel.Stage:
                if (e.State == "FAILED" && e.Stage is not null) Remember(e, failedStage: e.Stage);
                if (!options.PostStageStatuses || e.Stage is null) return Done(e, "ignored", "stage events post no status (Statuses:PostStageStatuses is off)");
                mapping = StateTable.ForStage(e.State);
                break;
            default:
                return Done(e, "ignored", "action events post no status");
        }

        if (mapping is null)
        {
            if (!StateTable.IsKnownNoPost(e.State)) LogUnknownState(log, e.Id, e.Pipeline, e.State);
            return Done(e, "ignored", $"state {e.State} posts no status");
        }

        var facts = cache.Get(e.Pipeline, e.ExecutionId);
        var startTime = e.StartTime ?? facts?.StartTime ?? (e.State == "STARTED" ? e.Time : null);
        if (startTime is not null && facts?.StartTime is null) Remember(e, startTime: startTime);

        var revisions = await ResolveAsync(e, facts, mapping.State == CommitState.Pending, ct).ConfigureAwait(false);
        var skipped = revisions.Skipped.Select(s => new RevisionOutcome(s.Source, null, null, "skipped", s.Reason));
        foreach (var s in revisions.Skipped) LogSkipped(log, e.Id, e.Pipeline, e.ExecutionId, s.Source, s.Reason);
        if (revisions.GitHub.Count == 0)
            return new EventResult(200, revisions.IsEmpty ? "no-revisions" : "skipped",
                revisions.IsEmpty ? "the execution has no source revisions" : "no source of this execution is on GitHub", null, e, [.. skipped]);

        var status = e.Level == EventLevel.Stage
            ? _composer.ForStage(e, mapping)
            : _composer.ForPipeline(e, mapping, cache.Get(e.Pipeline, e.ExecutionId)?.FailedStage);
        // Without any start time (old events, cache lost), the event's own time is the best estimate available.
        var candidate = new LedgerEntry(e.ExecutionId, startTime ?? e.Time, e.Attempt ?? 0, e.Time, status);

        var outcomes = await Task.WhenAll(revisions.GitHub.Select(r => ApplyAsync(r, candidate, ct))).ConfigureAwait(false);
        return Summarise(e, [.. outcomes, .. skipped]);
    }

    /// <summary>Cheapest source first: the V2 trigger, then what this process learned earlier, then GetPipelineExecution.</summary>
    private async Task<ResolvedRevisions> ResolveAsync(CodePipelineEvent e, ExecutionFacts? facts, bool pending, CancellationToken ct)
    {
        if (resolver.FromTrigger(e.Trigger) is { } fromTrigger)
            return new ResolvedRevisions([fromTrigger], []);
        if (facts?.Revisions is { IsEmpty: false } cached)
            return cached;

        // STARTED and the terminal event of a short execution often arrive together: they share one lookup.
        var key = (e.Pipeline, e.ExecutionId);
        var lookup = _lookups.GetOrAdd(key, _ => new Lazy<Task<ResolvedRevisions>>(() => LookUpAsync(e, pending, ct)));
        try
        {
            return await lookup.Value.ConfigureAwait(false);
        }
        finally
        {
            _lookups.TryRemove(KeyValuePair.Create(key, lookup));
        }
    }

    private async Task<ResolvedRevisions> LookUpAsync(CodePipelineEvent e, bool pending, CancellationToken ct)
    {
        var execution = new ExecutionRef(e.Account, e.Region, e.Pipeline, e.ExecutionId);
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var artifacts = await source.GetArtifactRevisionsAsync(execution, ct).ConfigureAwait(false);
            if (artifacts.Count > 0)
            {
                var resolved = resolver.FromArtifacts(artifacts);
                Remember(e, revisions: resolved);
                return resolved;
            }
            // Right after STARTED the source action may not have run yet (and the API is eventually consistent).
            if (!pending) return ResolvedRevisions.None;
            if (time.GetElapsedTime(started) + delay > options.RevisionWaitBudget)
                throw new UpstreamException("CodePipeline", FailureKind.Transient, "the execution has no source revisions yet", options.DefaultRetryAfter);
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
            delay *= 2;
        }
    }

    /// <summary>
    /// Read → decide → claim the slot (conditional write with a lease) → post → record (conditional write); a lost race
    /// is re-decided (docs/architecture.md#ledger-protocol). The claim keeps two instances from posting to one slot at once, so GitHub receives
    /// statuses in the order the ledger accepted them and the newest one is always the last to arrive.
    /// </summary>
    private async Task<RevisionOutcome> ApplyAsync(GitHubRevision r, LedgerEntry candidate, CancellationToken ct)
    {
        var key = new StatusKey(r.Host, r.FullName, r.Sha, candidate.Status.Context);
        RevisionOutcome Result(string outcome, string? detail) => new(r.FullName, r.Sha, key.Context, outcome, detail);

        using var slot = await locks.EnterAsync(key, ct).ConfigureAwait(false);
        var waitedSince = time.GetTimestamp();
        for (var round = 0; round < 16; round++)
        {
            var row = await ledger.ReadAsync(key, ct).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (row.IsLeased(now))
            {
                // Another instance is posting to this slot. Older than what it posts: nothing to do. Otherwise wait for it.
                if (OrderingRules.Decide(row.Pending, candidate) is Verdict.Stale or Verdict.Duplicate)
                    return Result("stale", "a newer status is being posted by another instance");
                if (time.GetElapsedTime(waitedSince) > LeaseWait)
                    return Outcome(r, candidate, FailureKind.Transient, "another instance is posting to this commit status", TimeSpan.FromSeconds(2));
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct).ConfigureAwait(false);
                continue;
            }

            switch (OrderingRules.Decide(row.Last, candidate))
            {
                case Verdict.Stale:
                    return Result("stale", $"GitHub already shows a newer status ({CommitStatus.Wire(row.Last!.Status.State)} from execution {row.Last.ExecutionId})");
                case Verdict.Duplicate:
                    return Result("duplicate", "this status was already posted");
                case Verdict.Record:
                    if (await ledger.TryWriteAsync(key, candidate, null, null, row.Version, ct).ConfigureAwait(false) is not null)
                        return Result("unchanged", "GitHub already shows this status");
                    continue;
            }

            var claim = await ledger.TryWriteAsync(key, row.Last, candidate, now + LeaseDuration, row.Version, ct).ConfigureAwait(false);
            if (claim is null) continue;
            PublishResult published;
            try
            {
                published = await publisher.PublishAsync(r, candidate.Status, ct).ConfigureAwait(false);
            }
            catch
            {
                await ReleaseAsync(key, row.Last, claim).ConfigureAwait(false);
                throw;
            }
            if (published.Failure is { } kind)
            {
                await ReleaseAsync(key, row.Last, claim).ConfigureAwait(false);
                return Outcome(r, candidate, kind, published.Message, published.RetryAfter);
            }
            if (await ledger.TryWriteAsync(key, candidate, null, null, claim, ct).ConfigureAwait(false) is not null)
                return Result("posted", CommitStatus.Wire(candidate.Status.State));
            // The lease ran out while we posted and someone else took the slot: decide again from what it holds now.
        }
        throw new UpstreamException("Ledger", FailureKind.Transient, "too much contention on one commit status; try again");
    }

    /// <summary>Gives the slot back so a redelivery (or another event) can post without waiting for the lease to run out.</summary>
    private async Task ReleaseAsync(StatusKey key, LedgerEntry? last, string claim)
    {
        try
        {
            await ledger.TryWriteAsync(key, last, null, null, claim, CancellationToken.None).ConfigureAwait(false);
        }
        catch (UpstreamException)
        {
            // The lease runs out by itself; the answer to EventBridge is already a failure.
        }
    }

    /// <summary>Longer than any post can take inside the request budget; a crashed holder blocks the slot at most this long.</summary>
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for another instance's post to the same slot before handing the event back to EventBridge.</summary>
    private static readonly TimeSpan LeaseWait = TimeSpan.FromSeconds(1);

    private static RevisionOutcome Outcome(GitHubRevision r, LedgerEntry c, FailureKind kind, string? message, TimeSpan? retryAfter)
    {
        var word = kind switch
        {
            FailureKind.Transient => "retry",
            FailureKind.RateLimited => "rate-limited",
            FailureKind.Misconfigured => "misconfigured",
            _ => "rejected",
        };
        return new RevisionOutcome(r.FullName, r.Sha, c.Status.Context, word, message)
        { RetryAfter = retryAfter };
    }

    private EventResult Summarise(CodePipelineEvent e, RevisionOutcome[] outcomes)
    {
        var retryAfter = outcomes.Max(o => o.RetryAfter);
        if (outcomes.Any(o => o.Outcome == "rate-limited"))
            return new EventResult(429, "rate-limited", "GitHub's rate limit: try again after Retry-After", retryAfter ?? options.DefaultRetryAfter, e, outcomes);
        if (outcomes.Any(o => o.Outcome == "retry"))
            return new EventResult(503, "retry", "an upstream failed transiently: try again after Retry-After", retryAfter ?? options.DefaultRetryAfter, e, outcomes);
        if (outcomes.Any(o => o.Outcome == "misconfigured"))
            return new EventResult(424, "misconfigured", "GitHub refused the bridge's credential or access: an operator must fix the configuration", null, e, outcomes);
        var summary = outcomes.Any(o => o.Outcome == "posted") ? "posted" : outcomes.Any(o => o.Outcome == "rejected") ? "rejected" : "unchanged";
        return new EventResult(200, summary, null, null, e, outcomes);
    }

    private EventResult Done(CodePipelineEvent e, string outcome, string detail) => new(200, outcome, detail, null, e, []);

    private EventResult Failure(CodePipelineEvent e, FailureKind kind, string message, TimeSpan? retryAfter) => kind switch
    {
        FailureKind.RateLimited => new EventResult(429, "rate-limited", message, retryAfter ?? options.DefaultRetryAfter, e, []),
        FailureKind.Transient => new EventResult(503, "retry", message, retryAfter ?? options.DefaultRetryAfter, e, []),
        _ => new EventResult(424, "misconfigured", message, null, e, []),
    };

    private void Remember(CodePipelineEvent e, ResolvedRevisions? revisions = null, DateTimeOffset? startTime = null, string? failedStage = null)
    {
        var known = cache.Get(e.Pipeline, e.ExecutionId);
        cache.Set(e.Pipeline, e.ExecutionId, new ExecutionFacts(
            revisions ?? known?.Revisions, startTime ?? known?.StartTime, failedStage ?? known?.FailedStage));
    }

    [LoggerMessage(1, LogLevel.Warning, "Rejected a request body: {Problem}")]
    private static partial void LogInvalid(ILogger logger, string problem);

    [LoggerMessage(2, LogLevel.Information, "Event {EventId} pipeline {Pipeline} execution {ExecutionId} state {State}: {Outcome} ({StatusCode})")]
    private static partial void LogEvent(ILogger logger, string eventId, string pipeline, string executionId, string state, string outcome, int statusCode);

    [LoggerMessage(3, LogLevel.Information, "Event {EventId} pipeline {Pipeline} execution {ExecutionId} repo {Repository} sha {Sha}: {Outcome} {Detail}")]
    private static partial void LogRevision(ILogger logger, string eventId, string pipeline, string executionId, string repository, string sha, string outcome, string detail);

    [LoggerMessage(4, LogLevel.Information, "Event {EventId} pipeline {Pipeline} execution {ExecutionId}: source {Source} skipped, {Reason}")]
    private static partial void LogSkipped(ILogger logger, string eventId, string pipeline, string executionId, string source, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Event {EventId} pipeline {Pipeline}: unknown state {State}, no status posted")]
    private static partial void LogUnknownState(ILogger logger, string eventId, string pipeline, string state);
}
