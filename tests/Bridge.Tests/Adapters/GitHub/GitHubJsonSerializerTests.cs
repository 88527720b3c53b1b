using System.Text.Json.Nodes;
using Bridge.Adapters.GitHub;
using Bridge.Adapters.KeyVault;
using Bridge.Core.Revisions;
using Bridge.Sandbox;
using Octokit;
using Octokit.Internal;
using BridgeState = Bridge.Core.Statuses.CommitState;
using BridgeStatus = Bridge.Core.Statuses.CommitStatus;
using OctoStatus = Octokit.CommitStatus;

namespace Bridge.Tests.Adapters.GitHub;

/// <summary>
/// The source-generated serializer writes and reads what Octokit's own reflection serializer writes and reads, for the
/// types it takes over, and hands every other type to Octokit's serializer unchanged.
/// </summary>
public sealed class GitHubJsonSerializerTests
{
    private const string Sha = "0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9";
    private static readonly SimpleJsonSerializer OctokitJson = new();
    private static readonly GitHubJsonSerializer Ours = GitHubJsonSerializer.Instance;

    /// <summary>A commit status as GitHub's documentation shows it, creator included.</summary>
    private const string StatusResponse = """
        {"url":"https://api.github.com/repos/octocat/Hello-World/statuses/6dcb09b5b57875f334f61aebed695e2e4193db5e",
         "avatar_url":"https://github.com/images/error/hubot_happy.gif","id":1,"node_id":"MDY6U3RhdHVzMQ==","state":"success",
         "description":"Build has completed successfully","target_url":"https://ci.example.com/1000/output","context":"continuous-integration/jenkins",
         "created_at":"2012-07-20T01:19:13Z","updated_at":"2012-07-20T02:19:13+01:00",
         "creator":{"login":"octocat","id":1,"node_id":"MDQ6VXNlcjE=","avatar_url":"https://github.com/images/error/octocat_happy.gif","gravatar_id":"",
           "url":"https://api.github.com/users/octocat","html_url":"https://github.com/octocat","followers_url":"https://api.github.com/users/octocat/followers",
           "type":"User","site_admin":false,"name":"The Octocat","email":null}}
        """;

    public static TheoryData<CommitState, string?, string?, string?> Bodies => new()
    {
        { CommitState.Pending, "codepipeline/worker", "Pipeline worker started", "https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/worker/view?region=eu-west-1" },
        { CommitState.Success, "codepipeline/worker", "Pipeline worker succeeded", null },
        { CommitState.Failure, "codepipeline/w", null, null },
        { CommitState.Error, "ctx \"quoted\" \\ back", "Ünïcödé – <b>&amp;</b> + 'quote' \u0001 \t tab 🚀", "https://example.com/?a=1&b=<2>" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void A_status_request_body_is_the_JSON_Octokit_writes(CommitState state, string? context, string? description, string? targetUrl)
    {
        var body = new NewCommitStatus { State = state, Context = context, Description = description, TargetUrl = targetUrl };
        var ours = Ours.Serialize(body);
        var octokit = OctokitJson.Serialize(body);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(octokit), JsonNode.Parse(ours)), $"Octokit: {octokit}\nours:    {ours}");
        Assert.StartsWith($"{{\"state\":\"{state.ToString().ToLowerInvariant()}\"", ours, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_body_the_publisher_posts_is_the_body_Octokit_would_have_posted()
    {
        await using var github = new FakeGitHub();
        await github.StartAsync();
        github.AcceptToken("t0ken");
        var publisher = new OctokitStatusPublisher(new PatTokenProvider(new ConfiguredSecret("test token", "t0ken")), github.ApiAddress,
            () => new JsonContentTypeHandler { InnerHandler = new SocketsHttpHandler() }, new GitHubRateGate(TimeProvider.System, 4, 1000), TimeProvider.System);
        var sent = new BridgeStatus(BridgeState.Failure, "codepipeline/worker", "Pipeline worker failed: Ünïcödé <&>", "https://example.com/x?y=1&z=2");

        var result = await publisher.PublishAsync(new GitHubRevision("github.com", "octo-org", "worker", Sha), sent, CancellationToken.None);

        Assert.Null(result.Failure);
        var request = Assert.Single(github.Requests);
        var posted = request.Body;
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal("application/vnd.github+json, application/json; q=0.9", request.Header("Accept"));
        Assert.Equal("2022-11-28", request.Header("X-GitHub-Api-Version"));
        var octokit = OctokitJson.Serialize(new NewCommitStatus
        {
            State = CommitState.Failure,
            Context = sent.Context,
            Description = sent.Description,
            TargetUrl = sent.TargetUrl,
        });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(octokit), JsonNode.Parse(posted)), $"Octokit: {octokit}\nposted:  {posted}");
        Assert.Equal("failure", Assert.Single(github.Statuses).State);
    }

    [Fact]
    public void Every_commit_state_Octokit_knows_has_its_GitHub_name()
    {
        foreach (var state in Enum.GetValues<CommitState>())
        {
            var body = new NewCommitStatus { State = state, Context = "c" };
            Assert.Equal(OctokitJson.Serialize(body), Ours.Serialize(body));
        }
    }

    [Fact]
    public void A_commit_status_response_reads_as_Octokit_reads_it()
    {
        var ours = Ours.Deserialize<OctoStatus>(StatusResponse);
        var octokit = OctokitJson.Deserialize<OctoStatus>(StatusResponse);

        Assert.Equal(Shape(octokit), Shape(ours));
        Assert.Equal((octokit.Creator.Login, octokit.Creator.Id, octokit.Creator.NodeId, octokit.Creator.AvatarUrl, octokit.Creator.Url, octokit.Creator.HtmlUrl,
                octokit.Creator.Name, octokit.Creator.Email, octokit.Creator.SiteAdmin),
            (ours.Creator.Login, ours.Creator.Id, ours.Creator.NodeId, ours.Creator.AvatarUrl, ours.Creator.Url, ours.Creator.HtmlUrl,
                ours.Creator.Name, ours.Creator.Email, ours.Creator.SiteAdmin));
        Assert.Equal(CommitState.Success, ours.State.Value);
        Assert.Equal(octokit.Creator.Type, ours.Creator.Type);
        // And it is the source-generated wire record that reads it, not the fallback; the constructors (used should
        // Octokit's setters go) read it the same.
        var wire = System.Text.Json.JsonSerializer.Deserialize(StatusResponse, GitHubJsonContext.Default.CommitStatusWire)!;
        Assert.Equal(Shape(octokit), Shape(wire.ToOctokit()!));
        var built = OctokitModels.ThroughConstructors(wire)!;
        Assert.Equal(Shape(octokit), Shape(built));
        Assert.Equal((octokit.Creator.Login, octokit.Creator.Id, octokit.Creator.Type), (built.Creator.Login, built.Creator.Id, built.Creator.Type));
    }

    [Theory]
    [InlineData("""{"id":1,"state":"queued","context":"c","created_at":"2012-07-20T01:19:13Z","updated_at":"2012-07-20T01:19:13Z"}""")] // a state Octokit's enum lacks
    [InlineData("""{"id":"1","state":"success","context":"c","created_at":"2012-07-20T01:19:13Z","updated_at":"2012-07-20T01:19:13Z"}""")] // another JSON type
    [InlineData("""{"id":1,"state":"success","context":"c","created_at":"2012-07-20T01:19:13Z","updated_at":"2012-07-20T01:19:13Z","creator":null}""")]
    public void A_commit_status_outside_the_wire_record_still_reads_as_Octokit_reads_it(string json) =>
        Assert.Equal(Shape(OctokitJson.Deserialize<OctoStatus>(json)), Shape(Ours.Deserialize<OctoStatus>(json)));

    [Fact]
    public void An_installation_token_reads_as_Octokit_reads_it()
    {
        const string json = """{"token":"ghs_16C7e42F292c6912E7710c838347Ae178B4a","expires_at":"2016-07-11T22:14:10Z","permissions":{"statuses":"write"},"repository_selection":"all"}""";
        var ours = Ours.Deserialize<AccessToken>(json);
        var octokit = OctokitJson.Deserialize<AccessToken>(json);
        Assert.Equal((octokit.Token, octokit.ExpiresAt), (ours.Token, ours.ExpiresAt));
        Assert.Equal(new DateTimeOffset(2016, 7, 11, 22, 14, 10, TimeSpan.Zero), ours.ExpiresAt);
    }

    [Fact]
    public void Every_other_type_is_Octokits_to_write_and_read()
    {
        var issue = new NewIssue("title") { Body = "body" };
        Assert.Equal(OctokitJson.Serialize(issue), Ours.Serialize(issue));

        const string user = """{"login":"octocat","id":1,"type":"User","site_admin":true,"public_repos":8,"created_at":"2011-01-25T18:44:36Z"}""";
        var (o, u) = (OctokitJson.Deserialize<User>(user), Ours.Deserialize<User>(user));
        Assert.Equal((o.Login, o.Id, o.Type, o.SiteAdmin, o.PublicRepos, o.CreatedAt), (u.Login, u.Id, u.Type, u.SiteAdmin, u.PublicRepos, u.CreatedAt));
    }

    private static object Shape(OctoStatus s) =>
        (s.CreatedAt, s.UpdatedAt, s.State.StringValue, s.TargetUrl, s.Description, s.Context, s.Id, s.NodeId, s.Url, s.Creator?.Login);
}
