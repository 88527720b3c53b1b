using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Bridge.Core.Statuses;

namespace Bridge.Adapters.GitHub;

/// <summary>
/// github.com and GitHub Enterprise Server side by side: each revision goes to the publisher of its own host, with that
/// host's API base and credential. A host without one gets no request (the resolver already skips such revisions).
/// </summary>
public sealed class GitHubHosts(IReadOnlyList<GitHubHost> hosts) : IStatusPublisher, ICheckRunPublisher
{
    private readonly Dictionary<string, GitHubHost> _byHost = hosts.ToDictionary(h => h.Options.WebHost, StringComparer.Ordinal);

    public IReadOnlyList<GitHubHost> All => hosts;

    /// <summary>
    /// The web hosts whose revisions get statuses (github.com, each Enterprise Server's host), for the deep health check:
    /// a revision naming any other host is skipped.
    /// </summary>
    public IReadOnlyList<string> WebHosts() => [.. hosts.Select(h => h.Options.WebHost)];

    public Task<PublishResult> PublishAsync(GitHubRevision revision, CommitStatus status, CancellationToken ct) =>
        _byHost.TryGetValue(revision.Host, out var host)
            ? host.Publisher.PublishAsync(revision, status, ct)
            : Task.FromResult(PublishResult.Failed(FailureKind.Misconfigured, $"no credential is configured for GitHub host {revision.Host}"));

    public Task<PublishResult> PublishAsync(GitHubRevision revision, CheckRun run, long? runId, CancellationToken ct) =>
        _byHost.TryGetValue(revision.Host, out var host)
            ? host.Publisher.PublishAsync(revision, run, runId, ct)
            : Task.FromResult(PublishResult.Failed(FailureKind.Misconfigured, $"no credential is configured for GitHub host {revision.Host}"));

    /// <summary>What each web host is set to write (<c>GitHub:Mode</c>, per Enterprise host too); statuses for any other.</summary>
    public PublishMode ModeFor(string webHost) => _byHost.TryGetValue(webHost, out var host) ? host.Options.Mode : PublishMode.Statuses;
}
