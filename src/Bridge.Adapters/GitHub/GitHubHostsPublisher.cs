using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// github.com and GitHub Enterprise Server side by side: each revision goes to the publisher of its own host, with that
/// host's API base and credential. A host without one gets no request (the resolver already skips such revisions).
/// </summary>
public sealed class GitHubHostsPublisher(IReadOnlyDictionary<string, IStatusPublisher> byHost) : IStatusPublisher
{
    public IReadOnlyCollection<string> Hosts => byHost.Keys.ToList();

    public Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct) =>
        byHost.TryGetValue(revision.Host, out var publisher)
            ? publisher.PublishAsync(revision, status, ct)
            : Task.FromResult(PublishResult.Failed(FailureKind.Misconfigured, $"no credential is configured for GitHub host {revision.Host}"));
}
