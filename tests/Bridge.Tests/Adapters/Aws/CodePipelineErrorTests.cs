using System.Net;
using System.Text;
using Amazon.Runtime;
using Bridge.Adapters.Aws;
using Bridge.Adapters.Configuration;
using Bridge.Core.Handling;
using Bridge.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Adapters.Aws;

/// <summary>
/// CodePipeline's AWS JSON 1.1 errors, answered by a stub transport under the real client (SigV4 signing, retries on a
/// fake clock), and what the handler is told: try again later, or an operator must fix something.
/// </summary>
public sealed class CodePipelineErrorTests : IDisposable
{
    private static readonly ExecutionRef Execution = new("111122223333", "eu-west-1", "worker", "3f1c2e4a-0000-4000-8000-000000000001");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly StubTransport _transport = new();
    private readonly CodePipelineClient _client;

    public CodePipelineErrorTests()
    {
        var endpoints = new AwsEndpoints(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_CODEPIPELINE"] = "https://codepipeline.test/" }).Build());
        var credentials = new AwsCredentialSource(Microsoft.Extensions.Options.Options.Create(new AwsOptions()),
            new AwsBaseCredentials(() => new BasicAWSCredentials(TestSecrets.BaseAccessKeyId, TestSecrets.BaseSecretAccessKey)),
            endpoints, new Bridge.Sandbox.LoopbackTokenCredential(), _clock, RequestBudget.Default);
        _client = new CodePipelineClient(credentials, endpoints, _transport, _clock, RequestBudget.Default);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Calls the client, moving the fake clock on so its backoff between retries passes.</summary>
    private async Task<UpstreamException> Failure()
    {
        var call = _client.GetExecutionAsync(Execution, CancellationToken.None);
        while (!call.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }
        return await Assert.ThrowsAsync<UpstreamException>(() => call);
    }

    [Theory]
    [InlineData(400, "ThrottlingException")]
    [InlineData(400, "com.amazonaws.codepipeline#ThrottlingException")]
    [InlineData(400, "Throttling")]
    [InlineData(400, "RequestLimitExceeded")]
    [InlineData(503, "ServiceUnavailableException")]
    [InlineData(500, "InternalFailure")]
    [InlineData(400, "ExpiredTokenException")]
    [InlineData(502, null)]
    [InlineData(500, "SomethingNew")]
    public async Task Throttling_and_server_errors_are_transient_and_retried(int status, string? type)
    {
        _transport.Answer = () => Error(status, type);
        var error = await Failure();
        Assert.Equal(FailureKind.Transient, error.Kind);
        Assert.Equal("CodePipeline", error.Upstream);
        Assert.Equal(3, _transport.Requests.Count); // the first try and two retries
    }

    [Theory]
    [InlineData("AccessDeniedException", "may not call codepipeline:GetPipelineExecution on worker")]
    [InlineData("com.amazonaws.codepipeline#PipelineNotFoundException", "pipeline worker was not found in account 111122223333 (eu-west-1)")]
    [InlineData("PipelineExecutionNotFoundException", "execution 3f1c2e4a-0000-4000-8000-000000000001 of worker was not found")]
    [InlineData("ValidationException", "ValidationException pipelineName is too long")]
    [InlineData("UnrecognizedClientException", "UnrecognizedClientException pipelineName is too long")]
    public async Task Refusals_are_misconfigurations_and_not_retried(string type, string expected)
    {
        _transport.Answer = () => Error(400, type, "pipelineName is too long");
        var error = await Failure();
        Assert.Equal(FailureKind.Misconfigured, error.Kind);
        Assert.Contains(expected, error.Message);
        Assert.Single(_transport.Requests);
        // The type without its namespace: the repair sweep tells "execution not found" from other refusals by it.
        Assert.Equal(type[(type.LastIndexOf('#') + 1)..], error.Code);
    }

    [Fact]
    public async Task An_error_without_a_readable_body_is_named_by_its_status()
    {
        _transport.Answer = () => new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("<html>denied</html>") };
        var error = await Failure();
        Assert.Equal(FailureKind.Misconfigured, error.Kind);
        Assert.Contains("403", error.Message);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_transient_and_retried()
    {
        _transport.Answer = () => throw new HttpRequestException("connection refused");
        var error = await Failure();
        Assert.Equal(FailureKind.Transient, error.Kind);
        Assert.Equal(3, _transport.Requests.Count);
    }

    [Fact]
    public async Task A_rollback_execution_is_read_with_its_type_trigger_and_target()
    {
        // The shape of GetPipelineExecution for a rollback (CodePipeline API reference: PipelineExecution,
        // ExecutionTrigger, PipelineRollbackMetadata).
        _transport.Answer = () => Json(200, """
            {"pipelineExecution":{"pipelineName":"worker","pipelineVersion":4,"pipelineExecutionId":"r-1","status":"Failed",
             "statusSummary":"Rollback failed","executionMode":"SUPERSEDED","executionType":"ROLLBACK",
             "trigger":{"triggerType":"AutomatedRollback","triggerDetail":"{\"FailedPipelineExecutionId\":\"f-9\"}"},
             "rollbackMetadata":{"rollbackTargetPipelineExecutionId":"good-7"},"artifactRevisions":[]}}
            """);
        var execution = await _client.GetExecutionAsync(Execution, CancellationToken.None);
        Assert.Equal(("Failed", "ROLLBACK", "AutomatedRollback", "good-7"), (execution.Status, execution.ExecutionType, execution.TriggerType, execution.RollbackTarget));
        Assert.True(execution.HasEnded);
        Assert.True(execution.IsRollback);
        Assert.Empty(execution.Revisions);
    }

    [Fact]
    public async Task A_passing_throttle_is_retried_and_the_revisions_are_read_from_a_signed_JSON_1_1_call()
    {
        var answers = new Queue<Func<HttpResponseMessage>>([() => Error(400, "ThrottlingException"), () => Json(200, """
            {"pipelineExecution":{"pipelineName":"worker","pipelineExecutionId":"x","status":"InProgress",
             "artifactRevisions":[{"name":"Source","revisionId":"0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9","revisionUrl":"https://github.com/octo-org/worker/commit/0f3c"}]}}
            """)]);
        _transport.Answer = () => answers.Dequeue()();
        var call = _client.GetExecutionAsync(Execution, CancellationToken.None);
        while (!call.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }
        var execution = await call;
        Assert.Equal("InProgress", execution.Status);
        Assert.False(execution.HasEnded);
        var revision = Assert.Single(execution.Revisions);
        Assert.Equal("0f3c9a7e1d2b4c5a6e7f8091a2b3c4d5e6f7a8b9", revision.RevisionId);

        var request = _transport.Requests[^1];
        Assert.Equal("CodePipeline_20150709.GetPipelineExecution", request.Target);
        Assert.Equal("application/x-amz-json-1.1", request.ContentType);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={TestSecrets.BaseAccessKeyId}/", request.Authorization);
        Assert.Contains("/eu-west-1/codepipeline/aws4_request", request.Authorization);
        Assert.Contains("\"pipelineExecutionId\":\"3f1c2e4a-0000-4000-8000-000000000001\"", request.Body);
    }

    private static HttpResponseMessage Error(int status, string? type, string message = "") =>
        type is null ? new HttpResponseMessage((HttpStatusCode)status) : Json(status, $$"""{"__type":"{{type}}","message":"{{message}}"}""");

    private static HttpResponseMessage Json(int status, string body) => new((HttpStatusCode)status)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1"),
    };

    private sealed record SeenRequest(string? Target, string? ContentType, string? Authorization, string Body);

    /// <summary>Answers every request with <see cref="Answer"/> and keeps what it was sent.</summary>
    private sealed class StubTransport : HttpMessageHandler
    {
        public Func<HttpResponseMessage> Answer { get; set; } = () => new HttpResponseMessage(HttpStatusCode.OK);
        public List<SeenRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
            lock (Requests)
                Requests.Add(new(request.Headers.TryGetValues("X-Amz-Target", out var t) ? t.Single() : null,
                    request.Content?.Headers.ContentType?.MediaType,
                    request.Headers.TryGetValues("Authorization", out var a) ? string.Join(",", a) : null, body));
            return Answer();
        }
    }
}
