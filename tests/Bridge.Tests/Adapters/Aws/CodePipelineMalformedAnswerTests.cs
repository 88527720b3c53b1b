using System.Net;
using Bridge.Sandbox;
using Bridge.Tests.Support;

namespace Bridge.Tests.Adapters.Aws;

/// <summary>
/// GetPipelineExecution answering 200 with something that is not a pipeline execution: an upstream failure
/// (503 + Retry-After, so EventBridge redelivers), never "this execution has no sources" (which would leave the
/// commit pending for good). One malformed revision costs only itself.
/// </summary>
public sealed class CodePipelineMalformedAnswerTests : IAsyncLifetime
{
    private BridgeHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await BridgeHarness.StartAsync();
        _h.SeedSampleExecutions();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public static TheoryData<string, string> Garbage() => new()
    {
        { "truncated", """{"pipelineExecution":{"pipelineName":"web-app","status":"Succeeded","artifactRevisions":[{"name":"Sou""" },
        { "HTML", "<html><body><h1>502 Bad Gateway</h1></body></html>" },
        { "empty", "" },
        { "wrong-typed artifactRevisions", """{"pipelineExecution":{"pipelineName":"web-app","status":"Succeeded","artifactRevisions":"SourceOutput"}}""" },
        { "wrong-typed pipelineExecution", """{"pipelineExecution":["web-app"]}""" },
        { "no pipelineExecution", """{}""" },
        { "nested past the parser's limit", """{"pipelineExecution":{"artifactRevisions":[""" + new string('[', 200) + new string(']', 200) + "]}}" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task An_unparseable_answer_is_a_transient_upstream_failure(string what, string body)
    {
        _h.CodePipeline.SetFault(FakeCodePipeline.Answer200(body));
        var response = await _h.PostAsync(TestEvents.Pipeline("SUCCEEDED"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {text}");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Empty(_h.GitHub.Statuses);

        // Once CodePipeline answers properly, the redelivery posts the status.
        _h.CodePipeline.SetFault(null);
        Assert.Equal(HttpStatusCode.OK, (await _h.PostAsync(TestEvents.Pipeline("SUCCEEDED"))).StatusCode);
        Assert.Single(_h.GitHub.Statuses);
    }

    [Fact]
    public async Task A_revision_with_a_wrong_typed_field_is_skipped_and_its_valid_sibling_is_posted()
    {
        var sha = new string('a', 40);
        _h.CodePipeline.SetFault(FakeCodePipeline.Answer200($$$"""
            {"pipelineExecution":{"pipelineName":"web-app","pipelineVersion":1,"pipelineExecutionId":"8c1d6a0e-5f1b-4c0e-9a43-0b7e5d2f1a01","status":"Succeeded",
             "artifactRevisions":[
               {"name":"LibOutput","revisionId":12345,"revisionUrl":"https://github.com/octo-org/lib/commit/{{{new string('b', 40)}}}"},
               {"name":"SourceOutput","revisionId":"{{{sha}}}","revisionSummary":"Update","revisionUrl":"https://github.com/octo-org/web-app/commit/{{{sha}}}"},
               "not a revision"]}}
            """));
        var response = await _h.PostAsync(TestEvents.Pipeline("SUCCEEDED"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        var status = Assert.Single(_h.GitHub.Statuses);
        Assert.Equal(sha, status.Sha);
        Assert.Contains("LibOutput", text);
    }
}
