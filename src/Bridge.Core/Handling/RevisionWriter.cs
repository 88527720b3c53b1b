using Bridge.Core.Checks;
using Bridge.Core.Ordering;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;

namespace Bridge.Core.Handling;

/// <summary>
/// Writes one event's result to one commit in the form its host is set to (<see cref="HandlerOptions.ModeFor"/>): a
/// commit status, a check run, or both. Each is a slot of its own in the ledger, ordered by the same rules; a check
/// run's slot keeps the run's id, so later events of the execution update that run instead of opening another.
/// </summary>
internal sealed class RevisionWriter(StatusSlot slots, IStatusPublisher statuses, ICheckRunPublisher? checks, HandlerOptions options)
{
    /// <summary>Check-run slots are named apart from status contexts (a context cannot hold ':').</summary>
    public const string CheckSlotPrefix = "check-run:";

    /// <summary>Whether any of these commits gets a check run (so the run's details are worth reading).</summary>
    public bool WritesChecks(IReadOnlyList<GitHubRevision> revisions) => checks is not null && revisions.Any(r => options.ModeFor(r.Host) != PublishMode.Statuses);

    public async Task<RevisionOutcome[]> WriteAsync(GitHubRevision r, LedgerEntry candidate, CheckRun? run, CancellationToken ct)
    {
        var mode = checks is null ? PublishMode.Statuses : options.ModeFor(r.Host);
        if (mode == PublishMode.Statuses) return [await StatusAsync(r, candidate, ct).ConfigureAwait(false)];
        if (run is null)
            return mode == PublishMode.Both
                ? [await StatusAsync(r, candidate, ct).ConfigureAwait(false)]
                : [new RevisionOutcome(r.FullName, r.Sha, null, Outcome.Ignored, "only pipeline events post check runs")];
        if (mode == PublishMode.Checks) return [await CheckAsync(r, candidate, run, ct).ConfigureAwait(false)];
        return await Task.WhenAll(StatusAsync(r, candidate, ct), CheckAsync(r, candidate, run, ct)).ConfigureAwait(false);
    }

    private async Task<RevisionOutcome> StatusAsync(GitHubRevision r, LedgerEntry candidate, CancellationToken ct)
    {
        var key = new StatusKey(r.Host, r.FullName, r.Sha, candidate.Status.Context);
        var slot = await slots.ApplyAsync(key, candidate, (statuses, r, candidate.Status), PostStatus, ct).ConfigureAwait(false);
        return new RevisionOutcome(r.FullName, r.Sha, key.Context, slot.Outcome, slot.Detail) { RetryAfter = slot.RetryAfter };
    }

    private async Task<RevisionOutcome> CheckAsync(GitHubRevision r, LedgerEntry candidate, CheckRun run, CancellationToken ct)
    {
        var key = new StatusKey(r.Host, r.FullName, r.Sha, CheckSlotPrefix + run.Name);
        var slot = await slots.ApplyAsync(key, candidate, (checks!, r, run), PostRun, ct).ConfigureAwait(false);
        return new RevisionOutcome(r.FullName, r.Sha, key.Context, slot.Outcome, slot.Detail) { RetryAfter = slot.RetryAfter };
    }

    /// <summary>The two writes a slot can make, as static delegates (no closure per status); the repair sweep uses them too.</summary>
    internal static readonly Func<(IStatusPublisher Publisher, GitHubRevision Revision, CommitStatus Status), long?, CancellationToken, Task<PublishResult>> PostStatus =
        static (x, _, token) => x.Publisher.PublishAsync(x.Revision, x.Status, token);

    internal static readonly Func<(ICheckRunPublisher Publisher, GitHubRevision Revision, CheckRun Run), long?, CancellationToken, Task<PublishResult>> PostRun =
        static (x, runId, token) => x.Publisher.PublishAsync(x.Revision, x.Run, runId, token);
}
