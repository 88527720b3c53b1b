using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Support;

namespace Bridge.Tests.Host;

/// <summary>The Kestrel host over real HTTP against loopback fakes: what EventBridge sees.</summary>
public sealed class BridgeHostTests : IAsyncLifetime
{
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync();
        _h.SeedSampleExecutions();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData(TestSecrets.FunctionKey + "x")]
    public async Task Without_the_right_key_nothing_upstream_is_called(string? key)
    {
        var response = await _h.PostAsync(TestEvents.Sample("01-web-app.github-v1.started.json"), key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, _h.UpstreamRequestCount);
    }

    [Fact]
    public async Task Health_answers_without_a_key_and_without_upstream_calls()
    {
        var response = await _h.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]);
        Assert.Equal(0, _h.UpstreamRequestCount);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("{\"version\":\"0\"}", "'source' is missing")]
    [InlineData("{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\"}", "'source' is 'aws.s3'")]
    public async Task Bad_input_gets_a_400_problem_that_says_what_is_wrong(string body, string expected)
    {
        var response = await _h.PostAsync(Encoding.UTF8.GetBytes(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(400, (int)problem["status"]!);
        Assert.Contains(expected, (string)problem["detail"]!);
        Assert.DoesNotContain(" at ", (string)problem["detail"]!);
        Assert.Equal(0, _h.UpstreamRequestCount);
    }

    [Fact]
    public async Task Missing_fields_are_named()
    {
        var e = TestEvents.Pipeline("STARTED");
        e["detail"]!.AsObject().Remove("execution-id");
        var response = await _h.PostAsync(e);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(text.Contains("'detail.execution-id' is missing"), text);
    }

    [Fact]
    public async Task A_body_over_256_KB_gets_413()
    {
        var e = TestEvents.Pipeline("STARTED");
        e["padding"] = new string('x', 256 * 1024);
        var response = await _h.PostAsync(e);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, _h.UpstreamRequestCount);
    }

    [Fact]
    public async Task A_GitHub_v1_source_is_resolved_through_STS_and_a_signed_GetPipelineExecution()
    {
        var response = await _h.PostSampleAsync("01-web-app.github-v1.started.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var assume = Assert.Single(_h.Sts.Calls);
        Assert.Equal("arn:aws:iam::111122223333:role/codepipeline-github-bridge", assume.RoleArn);
        Assert.Equal(TestSecrets.BaseAccessKeyId, assume.CallerAccessKeyId);

        var call = Assert.Single(_h.CodePipeline.Requests);
        Assert.Equal("CodePipeline_20150709.GetPipelineExecution", call.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.1", call.Header("Content-Type"));
        var signer = Assert.Single(_h.CodePipeline.Signers);
        Assert.Equal(("eu-west-1", "codepipeline"), (signer.Region, signer.Service));
        Assert.NotEqual(TestSecrets.BaseAccessKeyId, signer.AccessKeyId); // signed with the assumed role's credentials
        Assert.NotNull(signer.SecurityToken);

        var status = Assert.Single(_h.GitHub.Statuses);
        Assert.Equal(("octo-org/web-app", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"), (status.OwnerRepo, status.Sha));
        Assert.Equal(("pending", "codepipeline/web-app", "Pipeline web-app is running"), (status.State, status.Context, status.Description));
        Assert.Equal("https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/web-app/executions/8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01/timeline?region=eu-west-1", status.TargetUrl);
        Assert.Equal(TestSecrets.GitHubToken, status.Token);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("posted", (string?)body["outcome"]);
        Assert.Equal("posted", (string?)body["revisions"]![0]!["outcome"]);
    }

    [Fact]
    public async Task The_succeeded_event_needs_no_second_AWS_call()
    {
        await _h.PostSampleAsync("01-web-app.github-v1.started.json");
        var response = await _h.PostSampleAsync("02-web-app.github-v1.succeeded.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_h.CodePipeline.Requests);
        Assert.Single(_h.Sts.Calls);
        Assert.Equal(["pending", "success"], _h.GitHub.Statuses.Select(s => s.State));
    }

    [Fact]
    public async Task A_multi_source_execution_posts_to_its_GitHub_source_and_skips_the_rest()
    {
        var response = await _h.PostSampleAsync("03-api-service.codeconnections.started.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = Assert.Single(_h.GitHub.Statuses);
        Assert.Equal(("octo-org/api-service", "9fceb02d0ae598e95dc970b74767f19372d61af8"), (status.OwnerRepo, status.Sha));
        var revisions = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["revisions"]!.AsArray();
        Assert.Contains(revisions, r => (string?)r!["outcome"] == "skipped" && (string?)r["repository"] == "ConfigSource");
    }

    [Fact]
    public async Task A_CodeCommit_execution_posts_nothing()
    {
        var response = await _h.PostSampleAsync("06-legacy-monolith.codecommit.started.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("skipped", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["outcome"]);
        Assert.Equal(0, _h.GitHub.RequestCount);
        Assert.Contains("source is not GitHub (CodeCommit)", _h.AllLogText());
    }

    [Fact]
    public async Task A_V2_trigger_needs_no_AWS_call_at_all()
    {
        var response = await _h.PostSampleAsync("05-worker.v2-trigger.failed.json");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync() + _h.GitHub.Requests.FirstOrDefault());
        Assert.Equal(0, _h.Sts.RequestCount + _h.CodePipeline.RequestCount);
        Assert.Equal(("failure", "octo-org/worker"), (_h.GitHub.Statuses[0].State, _h.GitHub.Statuses[0].OwnerRepo));
    }

    [Fact]
    public async Task One_log_line_per_event_carries_its_identifiers()
    {
        await _h.PostSampleAsync("01-web-app.github-v1.started.json");
        var line = Assert.Single(_h.Logs.GetSnapshot(), r => r.Message.StartsWith("Event b1a0c9d8-0001", StringComparison.Ordinal) && r.Message.Contains("state STARTED"));
        var state = line.StructuredState!.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("web-app", state["Pipeline"]);
        Assert.Equal("8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01", state["ExecutionId"]);
        Assert.Equal("posted", state["Outcome"]);
        Assert.Contains(_h.Logs.GetSnapshot(), r => r.StructuredState?.Any(kv => kv.Key == "Sha" && kv.Value == "4b825dc642cb6eb9a060e54bf8d69288fbee4904") == true);
    }

    [Fact]
    public async Task Unknown_pipeline_is_a_misconfiguration_for_the_dead_letter_queue()
    {
        var response = await _h.PostAsync(TestEvents.Pipeline("STARTED", pipeline: "not-in-this-account"));
        Assert.Equal((HttpStatusCode)424, response.StatusCode);
        Assert.Contains("was not found", await response.Content.ReadAsStringAsync());
        Assert.Null(response.Headers.RetryAfter);
    }
}
