using Bridge.Core.Handling;
using Bridge.Core.Revisions;

namespace Bridge.Core.Checks;

/// <summary>
/// Creates a check run, or updates the one an earlier event of the same execution created. Never throws for GitHub's
/// answers: they come back as a <see cref="PublishResult"/>, a created run with its id (<see cref="PublishResult.RunId"/>).
/// </summary>
public interface ICheckRunPublisher
{
    /// <param name="runId">The run to update; null to create one.</param>
    Task<PublishResult> PublishAsync(GitHubRevision revision, CheckRun run, long? runId, CancellationToken ct);
}
