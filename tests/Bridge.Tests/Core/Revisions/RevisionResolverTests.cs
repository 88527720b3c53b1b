using Bridge.Core.Events;
using Bridge.Core.Revisions;

namespace Bridge.Tests.Core.Revisions;

public class RevisionResolverTests
{
    private const string Sha = "ddbe7ef257512f9455e9b74a5ebe8ef831e615b7";
    private const string Redirect = "https://us-west-2.console.aws.amazon.com/codesuite/settings/connections/redirect";
    private static readonly RevisionResolver GitHubCom = new();

    public static TheoryData<string, ArtifactRevision, string?> Cases => new()
    {
        // name, artifact, expected "owner/repo@sha" or null when skipped
        { "github.com commit page", new("src", Sha, $"https://github.com/hmrc/telemetry-terraform/commit/{Sha}", "plain text summary"), $"hmrc/telemetry-terraform@{Sha}" },
        { "old API URL", new("src", Sha, $"https://api.github.com/repos/anycompany/MyApp/git/commits/{Sha}", null), $"anycompany/MyApp@{Sha}" },
        { "CodeConnections, raw ARN", new("src", Sha, $"{Redirect}?connectionArn=arn:aws:codestar-connections:us-west-2:570351108046:connection/221894bb-cd29-4356-ba84-c0cd816af416&referenceType=COMMIT&FullRepositoryId=cloud303-kloucks/documentdb-example&Commit={Sha}", "{\"ProviderType\":\"GitHub\",\"CommitMessage\":\"initial commit\"}"), $"cloud303-kloucks/documentdb-example@{Sha}" },
        { "CodeConnections, encoded ARN", new("src", Sha, $"{Redirect}?connectionArn=arn%3Aaws%3Acodeconnections%3Aus-west-2%3A1%3Aconnection%2Fabc&referenceType=COMMIT&FullRepositoryId=octo-org%2Fapi&Commit={Sha}", "{\"ProviderType\":\"github\"}"), $"octo-org/api@{Sha}" },
        { "upper-case SHA is normalised", new("src", Sha.ToUpperInvariant(), $"https://github.com/o/r/commit/{Sha}", null), $"o/r@{Sha}" },
        { "CodeConnections Bitbucket", new("src", Sha, $"{Redirect}?connectionArn=x&FullRepositoryId=team/repo&Commit={Sha}", "{\"ProviderType\":\"Bitbucket\"}"), null },
        { "CodeConnections GitLab", new("src", Sha, $"{Redirect}?connectionArn=x&FullRepositoryId=team/repo&Commit={Sha}", "{\"ProviderType\":\"GitLab\"}"), null },
        { "CodeConnections without provider", new("src", Sha, $"{Redirect}?connectionArn=x&FullRepositoryId=team/repo&Commit={Sha}", "Just a message"), null },
        { "malformed redirect (short, different commit)", new("src", Sha, "https://codestarurl/?connectionArn=blah&FullRepositoryId=hmrc/repo&Commit=a9e1670", "{\"ProviderType\":\"GitHub\"}"), null },
        { "short SHA", new("src", "a9e1670", "https://github.com/o/r/commit/a9e1670", null), null },
        { "revisionId differs from URL commit", new("src", Sha, "https://github.com/o/r/commit/0000000000000000000000000000000000000000", null), null },
        { "placeholder SHA", new("src", "`commit_ID`", "https://github.com/o/r/commit/`commit_ID`", null), null },
        { "CodeCommit", new("src", Sha, $"https://eu-west-1.console.aws.amazon.com/codecommit/home#/repository/r/commit/{Sha}", "msg"), null },
        { "S3, no URL", new("cfg", "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", null, "config.zip"), null },
        { "ECR", new("img", "sha256:0123", null, null), null },
        { "GHES host not configured", new("src", Sha, $"https://github.example.com/o/r/commit/{Sha}", null), null },
        { "invalid owner", new("src", Sha, $"https://github.com/-bad-/r/commit/{Sha}", null), null },
        { "http, not https", new("src", Sha, $"http://github.com/o/r/commit/{Sha}", null), null },
        { "extra path segments", new("src", Sha, $"https://github.com/o/r/tree/main/commit/{Sha}", null), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolves_each_revision_form(string name, ArtifactRevision artifact, string? expected)
    {
        var result = GitHubCom.FromArtifacts([artifact]);
        if (expected is null)
        {
            Assert.Empty(result.GitHub);
            var skipped = Assert.Single(result.Skipped);
            Assert.False(string.IsNullOrWhiteSpace(skipped.Reason), name);
        }
        else
        {
            var r = Assert.Single(result.GitHub);
            Assert.Equal(expected, $"{r.FullName}@{r.Sha}");
            Assert.Equal("github.com", r.Host);
        }
    }

    [Fact]
    public void Names_the_provider_it_skips()
    {
        var cc = GitHubCom.FromArtifacts([new("src", Sha, $"https://eu-west-1.console.aws.amazon.com/codecommit/home#/repository/r/commit/{Sha}", null)]);
        Assert.Equal("source is not GitHub (CodeCommit)", cc.Skipped[0].Reason);
        var bb = GitHubCom.FromArtifacts([new("src", Sha, $"{Redirect}?FullRepositoryId=a/b&Commit={Sha}", "{\"ProviderType\":\"Bitbucket\"}")]);
        Assert.Equal("source is not GitHub (Bitbucket)", bb.Skipped[0].Reason);
    }

    [Fact]
    public void Keeps_every_GitHub_source_of_a_multi_source_execution()
    {
        var other = "9fceb02d0ae598e95dc970b74767f19372d61af8";
        var result = GitHubCom.FromArtifacts([
            new("app", Sha, $"https://github.com/o/app/commit/{Sha}", null),
            new("lib", other, $"{Redirect}?FullRepositoryId=o/lib&Commit={other}", "{\"ProviderType\":\"GitHub\"}"),
            new("cfg", "v1", null, null),
        ]);
        Assert.Equal(["o/app", "o/lib"], result.GitHub.Select(r => r.FullName));
        Assert.Equal("cfg", Assert.Single(result.Skipped).Source);
    }

    [Fact]
    public void Enterprise_Server_takes_its_own_host_and_CodeConnections_GHES_provider()
    {
        var ghes = new RevisionResolver(RevisionResolver.WebHostFor(new Uri("https://github.example.com/api/v3/")));
        var page = ghes.FromArtifacts([new("a", Sha, $"https://github.example.com/o/r/commit/{Sha}", null)]);
        Assert.Equal("github.example.com", Assert.Single(page.GitHub).Host);
        var api = ghes.FromArtifacts([new("a", Sha, $"https://github.example.com/api/v3/repos/o/r/git/commits/{Sha}", null)]);
        Assert.Single(api.GitHub);
        var cc = ghes.FromArtifacts([new("a", Sha, $"{Redirect}?FullRepositoryId=o/r&Commit={Sha}", "{\"ProviderType\":\"GitHubEnterpriseServer\"}")]);
        Assert.Equal("github.example.com", Assert.Single(cc.GitHub).Host);
        Assert.Empty(ghes.FromArtifacts([new("a", Sha, $"https://github.com/o/r/commit/{Sha}", null)]).GitHub);
    }

    [Theory]
    [InlineData("arn:aws:codestar-connections:eu-west-1:111122223333:connection/abc", "arn:aws:codeconnections:eu-west-1:111122223333:connection/abc")]
    [InlineData("arn:aws:codeconnections:eu-west-1:111122223333:connection/abc", "arn:aws:codestar-connections:eu-west-1:111122223333:connection/abc")]
    public void A_connection_matches_under_either_service_name(string configured, string inRevision)
    {
        var resolver = new RevisionResolver(["ghes-a.example.com", "ghes-b.example.com"], new Dictionary<string, string> { [configured] = "ghes-b.example.com" });
        var revisions = resolver.FromArtifacts([new("a", Sha, $"{Redirect}?connectionArn={inRevision}&FullRepositoryId=o/r&Commit={Sha}", "{\"ProviderType\":\"GitHubEnterpriseServer\"}")]);
        Assert.Equal("ghes-b.example.com", Assert.Single(revisions.GitHub).Host);
    }

    [Theory]
    [InlineData("GitHub", "octo-org/worker", Sha, true)]
    [InlineData("github", "octo-org/worker", Sha, true)]
    [InlineData("GitLab", "mmajor/sample-project", Sha, false)]
    [InlineData("GitHub", "octo-org/worker", "`commit_ID`", false)]
    [InlineData("GitHub", "not-a-full-name", Sha, false)]
    [InlineData("GitHub", "a/b/c", Sha, false)]
    [InlineData(null, "octo-org/worker", Sha, false)]
    public void Trusts_the_V2_trigger_only_for_a_GitHub_commit(string? provider, string repo, string sha, bool usable)
    {
        var trigger = new ExecutionTrigger(null, provider, repo, sha, "main", null, null);
        Assert.Equal(usable, GitHubCom.FromTrigger(trigger) is not null);
    }
}
