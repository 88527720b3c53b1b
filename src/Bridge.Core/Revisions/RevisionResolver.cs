using System.Text.Json;
using System.Web;
using Bridge.Core.Events;
using Bridge.Core.Text;

namespace Bridge.Core.Revisions;

/// <summary>
/// Turns what CodePipeline says about an execution's sources into GitHub commits, or into a reason to skip.
/// Knows the three URL forms GitHub sources take (github.com commit page, the old API URL, the
/// CodeConnections/CodeStar redirect) and posts only where the SHA is 40 hex and agrees everywhere it appears.
/// </summary>
public sealed class RevisionResolver
{
    /// <summary>How much of a rejected value is echoed back in a message.</summary>
    private const int MaxEcho = 49;

    public const string GitHubDotCom = "github.com";
    private readonly HashSet<string> _hosts;
    private readonly Dictionary<string, string> _hostByConnection;

    /// <param name="webHost">The one GitHub web host statuses go to: github.com, or an Enterprise Server host.</param>
    public RevisionResolver(string webHost = GitHubDotCom) : this([webHost], new Dictionary<string, string>()) { }

    /// <param name="hosts">Every GitHub web host the bridge has a credential for; revisions elsewhere are skipped.</param>
    /// <param name="hostByConnectionArn">Which Enterprise Server host a CodeConnections connection points at (the
    /// revision does not say); with a single Enterprise Server host configured it is not needed.</param>
    public RevisionResolver(IEnumerable<string> hosts, IReadOnlyDictionary<string, string> hostByConnectionArn)
    {
        _hosts = new HashSet<string>(hosts.Select(h => h.ToLowerInvariant()), StringComparer.Ordinal);
        _hostByConnection = hostByConnectionArn.ToDictionary(p => ConnectionId(p.Key), p => p.Value.ToLowerInvariant(), StringComparer.Ordinal);
    }

    /// <summary>The web host that matches a REST API base URL (api.github.com → github.com; GHES keeps its host).</summary>
    public static string WebHostFor(Uri apiBaseUrl) =>
        apiBaseUrl.Host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase) ? GitHubDotCom : apiBaseUrl.Host.ToLowerInvariant();

    private IEnumerable<string> EnterpriseHosts => _hosts.Where(h => h != GitHubDotCom);

    /// <summary>The V2 trigger names the commit when a Git push started the execution; null when it does not name a GitHub one.</summary>
    public GitHubRevision? FromTrigger(ExecutionTrigger? trigger)
    {
        if (trigger is null || !GitHubNames.IsSha(trigger.CommitId)) return null;
        if (!GitHubNames.TrySplitFullName(trigger.FullRepositoryName, out var owner, out var repo)) return null;
        var host = HostForProvider(trigger.ProviderType, trigger.ConnectionArn);
        return host is null ? null : new GitHubRevision(host, owner, repo, trigger.CommitId!.ToLowerInvariant());
    }

    public ResolvedRevisions FromArtifacts(IEnumerable<ArtifactRevision> artifacts)
    {
        var github = new List<GitHubRevision>();
        var skipped = new List<SkippedRevision>();
        foreach (var a in artifacts)
        {
            var result = Resolve(a);
            if (result.Revision is { } r)
            {
                if (!github.Contains(r)) github.Add(r);
            }
            else skipped.Add(new SkippedRevision(a.Name ?? "(unnamed source)", result.Reason!));
        }
        return new ResolvedRevisions(github, skipped);
    }

    private readonly record struct Result(GitHubRevision? Revision, string? Reason)
    {
        public static Result Skip(string reason) => new(null, reason);
    }

    private Result Resolve(ArtifactRevision a)
    {
        if (a.RevisionUrl is null || !Uri.TryCreate(a.RevisionUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            return Result.Skip(DescribeNonGitHub(a, "no GitHub revision URL"));

        string? owner, repo, urlSha, host;
        if (IsConnectionsRedirect(url))
        {
            var query = HttpUtility.ParseQueryString(url.Query);
            var provider = ProviderTypeOf(a.RevisionSummary);
            if (provider is null) return Result.Skip("CodeConnections revision without a ProviderType in its summary");
            host = HostForProvider(provider, query["connectionArn"]);
            if (host is null)
                return Result.Skip(IsGitHubProvider(provider) ? $"no GitHub host is configured for this {provider} connection" : $"source is not GitHub ({provider})");
            if (!GitHubNames.TrySplitFullName(query["FullRepositoryId"], out var o, out var r))
                return Result.Skip("CodeConnections revision URL has no valid FullRepositoryId");
            (owner, repo, urlSha) = (o, r, query["Commit"]);
        }
        else if (TryGitHubPath(url, out host, out owner, out repo, out urlSha))
        {
            if (!_hosts.Contains(host!)) return Result.Skip($"GitHub host {host} is not configured (GitHub:Host or GitHub:Enterprise)");
        }
        else return Result.Skip(DescribeNonGitHub(a, $"source is not GitHub ({url.Host})"));

        if (!GitHubNames.IsSha(a.RevisionId)) return Result.Skip($"revisionId '{TextClip.Clip(a.RevisionId, MaxEcho)}' is not a 40-hex commit SHA");
        if (urlSha is not null && !string.Equals(urlSha, a.RevisionId, StringComparison.OrdinalIgnoreCase))
            return Result.Skip("the commit in revisionUrl does not match revisionId");
        return new Result(new GitHubRevision(host!, owner!, repo!, a.RevisionId!.ToLowerInvariant()), null);
    }

    /// <summary>
    /// CodeConnections providers are compared case-insensitively (AWS has written both "GitHub" and "github"). An
    /// Enterprise Server connection's host comes from configuration: by connection ARN, or the only one configured.
    /// </summary>
    private string? HostForProvider(string? provider, string? connectionArn)
    {
        if (string.Equals(provider, "GitHub", StringComparison.OrdinalIgnoreCase))
            return _hosts.Contains(GitHubDotCom) ? GitHubDotCom : null;
        if (!string.Equals(provider, "GitHubEnterpriseServer", StringComparison.OrdinalIgnoreCase)) return null;
        if (connectionArn is not null && _hostByConnection.TryGetValue(ConnectionId(connectionArn), out var mapped)) return mapped;
        var enterprise = EnterpriseHosts.Take(2).ToList();
        return enterprise.Count == 1 ? enterprise[0] : null;
    }

    /// <summary>
    /// One spelling for one connection: CodeStar Connections was renamed CodeConnections in 2024, and the same
    /// connection appears as <c>arn:aws:codestar-connections:…</c> or <c>arn:aws:codeconnections:…</c>.
    /// </summary>
    public static string ConnectionId(string arn)
    {
        const string Old = ":codestar-connections:";
        var at = arn.IndexOf(Old, StringComparison.Ordinal);
        return at < 0 ? arn : string.Concat(arn.AsSpan(0, at), ":codeconnections:", arn.AsSpan(at + Old.Length));
    }

    private static bool IsGitHubProvider(string provider) =>
        provider.Equals("GitHub", StringComparison.OrdinalIgnoreCase) || provider.Equals("GitHubEnterpriseServer", StringComparison.OrdinalIgnoreCase);

    private static bool IsConnectionsRedirect(Uri url) =>
        url.Host.EndsWith(".console.aws.amazon.com", StringComparison.OrdinalIgnoreCase)
        && url.AbsolutePath.Equals("/codesuite/settings/connections/redirect", StringComparison.OrdinalIgnoreCase);

    /// <summary>{host}/{owner}/{repo}/commit/{sha}, or the API forms {host}/repos/{owner}/{repo}/git/commits/{sha} (api.github.com, GHES /api/v3).</summary>
    private static bool TryGitHubPath(Uri url, out string? host, out string? owner, out string? repo, out string? sha)
    {
        host = owner = repo = sha = null;
        var s = url.AbsolutePath.Trim('/').Split('/');
        var h = url.Host.ToLowerInvariant();
        if (s.Length == 4 && s[2] == "commit") (owner, repo, sha) = (s[0], s[1], s[3]);
        else if (s.Length == 6 && s[0] == "repos" && s[3] == "git" && s[4] == "commits") (owner, repo, sha) = (s[1], s[2], s[5]);
        else if (s.Length == 8 && s[0] == "api" && s[1] == "v3" && s[2] == "repos" && s[5] == "git" && s[6] == "commits") (owner, repo, sha) = (s[3], s[4], s[7]);
        else return false;
        if (!GitHubNames.IsOwner(owner) || !GitHubNames.IsRepository(repo)) return false;
        host = h == "api.github.com" ? GitHubDotCom : h;
        return true;
    }

    private static string? ProviderTypeOf(string? summary)
    {
        if (string.IsNullOrWhiteSpace(summary) || summary[0] != '{') return null;
        try
        {
            using var doc = JsonDocument.Parse(summary);
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Name.Equals("ProviderType", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                    return p.Value.GetString();
        }
        catch (JsonException) { }
        return null;
    }

    private static string DescribeNonGitHub(ArtifactRevision a, string fallback)
    {
        var url = a.RevisionUrl ?? "";
        if (url.Contains("/codecommit/", StringComparison.OrdinalIgnoreCase)) return "source is not GitHub (CodeCommit)";
        if (a.RevisionId?.StartsWith("sha256:", StringComparison.Ordinal) == true) return "source is not GitHub (ECR image)";
        if (url.Length == 0) return "source is not GitHub (no revision URL: S3 or another provider)";
        return fallback;
    }

}
