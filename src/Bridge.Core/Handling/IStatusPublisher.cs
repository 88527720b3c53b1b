using Bridge.Core.Revisions;
using Bridge.Core.Statuses;

namespace Bridge.Core.Handling;

/// <summary>Posts one commit status. Never throws for GitHub's answers: they come back as a <see cref="PublishResult"/>.</summary>
public interface IStatusPublisher
{
    Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct);
}
