namespace Bridge.Adapters.GitHub;

// GitHub's JSON as the bridge reads and writes it beyond commit statuses: only the fields the bridge uses, read and
// written by GitHubJsonContext's generated code (snake_case, nulls left out). Octokit's own models are read by
// reflection, which a trimmed or Native AOT build cannot rely on (BENCHMARKS.md, Native AOT).

/// <summary>An app installation (<c>GET /repos/{owner}/{repo}/installation</c>, <c>GET /app/installations/{id}</c>).</summary>
internal sealed class InstallationWire
{
    public long Id { get; set; }

    /// <summary>Permission name to "read", "write" or "admin".</summary>
    public Dictionary<string, string>? Permissions { get; set; }
}

/// <summary>The authenticated app (<c>GET /app</c>).</summary>
internal sealed class AppWire
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
}

/// <summary>The authenticated user (<c>GET /user</c>).</summary>
internal sealed class UserWire
{
    public string? Login { get; set; }
}

/// <summary>A check run in an answer: what identifies it.</summary>
internal sealed class CheckRunWire
{
    public long Id { get; set; }
    public string? ExternalId { get; set; }
}

/// <summary>A page of check runs (<c>GET /repos/{owner}/{repo}/commits/{ref}/check-runs</c>).</summary>
internal sealed class CheckRunsWire
{
    public List<CheckRunWire>? CheckRuns { get; set; }
}

/// <summary>The body of a check-run create (with <see cref="HeadSha"/>) or update (without).</summary>
internal sealed class CheckRunBody
{
    public string? Name { get; set; }
    public string? HeadSha { get; set; }
    public string? ExternalId { get; set; }
    public string? DetailsUrl { get; set; }
    public string? Status { get; set; }
    public string? Conclusion { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public CheckRunOutputBody? Output { get; set; }
    public List<CheckRunActionBody>? Actions { get; set; }
}

internal sealed class CheckRunOutputBody
{
    public string? Title { get; set; }
    public string? Summary { get; set; }
}

internal sealed class CheckRunActionBody
{
    public string? Label { get; set; }
    public string? Description { get; set; }
    public string? Identifier { get; set; }
}
