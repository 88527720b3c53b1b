using Bridge.Sandbox;

namespace Bridge.Functions.Tests.Support;

/// <summary>
/// The bridge's upstreams as loopback fakes from Bridge.Sandbox. Kept to this one file, and to the fakes' constructors,
/// StartAsync, seeding and recorded requests, so renames inside the sandbox touch the worker tests in one place.
/// </summary>
public sealed class Upstreams : IAsyncDisposable
{
    private Upstreams(string account)
    {
        (GitHub, CodePipeline, Sts) = (new FakeGitHub(), new FakeCodePipeline(accountId: account), new FakeSts(accountId: account));
    }

    public FakeGitHub GitHub { get; }
    public FakeCodePipeline CodePipeline { get; }
    public FakeSts Sts { get; }

    public static async Task<Upstreams> StartAsync(string account, string gitHubToken, string executionsFile)
    {
        var u = new Upstreams(account);
        await Task.WhenAll(u.GitHub.StartAsync(), u.CodePipeline.StartAsync(), u.Sts.StartAsync());
        u.GitHub.AcceptToken(gitHubToken);
        u.CodePipeline.SeedFrom(executionsFile);
        return u;
    }

    /// <summary>The standard keys that point the bridge at the fakes (as Bridge.Host's LoopbackWiring does), as environment variables.</summary>
    public Dictionary<string, string> Settings(string region) => new()
    {
        ["GitHub__ApiBaseUrl"] = GitHub.ApiAddress.ToString(),
        // Revisions name github.com; the fake answers for it on 127.0.0.1.
        ["GitHub__Host"] = "github.com",
        ["AWS_ENDPOINT_URL_CODEPIPELINE"] = CodePipeline.BaseAddress.ToString(),
        ["AWS_ENDPOINT_URL_STS"] = Sts.BaseAddress.ToString(),
        ["AWS_REGION"] = region,
    };

    /// <summary>Commit statuses GitHub accepted, as (owner/repo, sha, state, context).</summary>
    public IReadOnlyList<(string OwnerRepo, string Sha, string State, string Context)> Statuses =>
        GitHub.Statuses.Select(s => (s.OwnerRepo, s.Sha, s.State, s.Context)).ToArray();

    /// <summary>Adds or replaces an execution (status as the API spells it) that built one GitHub commit.</summary>
    public void SeedExecution(string pipeline, string executionId, string status, string ownerRepo, string sha)
    {
        var (owner, repo) = (ownerRepo[..ownerRepo.IndexOf('/', StringComparison.Ordinal)], ownerRepo[(ownerRepo.IndexOf('/', StringComparison.Ordinal) + 1)..]);
        CodePipeline.AddExecution(new SeededExecution(pipeline, executionId, status, [SeededRevision.GitHubV1(owner, repo, sha)]));
    }

    public int StsRequests => Sts.RequestCount;
    public int CodePipelineRequests => CodePipeline.RequestCount;

    public async ValueTask DisposeAsync()
    {
        await GitHub.DisposeAsync();
        await CodePipeline.DisposeAsync();
        await Sts.DisposeAsync();
    }
}
