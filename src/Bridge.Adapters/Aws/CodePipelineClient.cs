using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Bridge.Adapters.Telemetry;
using Bridge.Core.Checks;
using Bridge.Core.Handling;
using Bridge.Core.Revisions;
using Polly;
using Polly.Retry;

namespace Bridge.Adapters.Aws;

/// <summary>
/// GetPipelineExecution over AWS JSON 1.1, signed with the SDK's public SigV4 handler.
/// Hand-written because AWSSDK.CodePipeline is not served by our package registry; it is kept to the one call
/// and shaped like the SDK's, so moving to the official client later is one change.
/// </summary>
public sealed partial class CodePipelineClient : IExecutionSource, IPipelineActions, IDisposable
{
    private const string TargetPrefix = "CodePipeline_20150709.";
    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.1");

    /// <summary>The first retry waits about this long (exponential, jittered), so two fit in the request budget.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly AwsCredentialSource _credentials;
    private readonly AwsEndpoints _endpoints;
    private readonly HttpMessageHandler _transport;
    private readonly ResiliencePipeline _retry;
    private readonly TimeSpan _attemptTimeout;
    private readonly ConcurrentDictionary<(AWSCredentials, string), HttpClient> _clients = new();

    /// <param name="budget">Each attempt is cut off after <see cref="RequestBudget.Attempt"/>.</param>
    public CodePipelineClient(AwsCredentialSource credentials, AwsEndpoints endpoints, HttpMessageHandler transport, TimeProvider time, RequestBudget budget)
    {
        (_credentials, _endpoints, _transport, _attemptTimeout) = (credentials, endpoints, transport, budget.Attempt);
        // Throttling and 5xx are retried here with jittered backoff; what still fails becomes a 503 for EventBridge.
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // STS has its own retries (the SDK's) and its own share of the budget: only CodePipeline's failures here.
                ShouldHandle = new PredicateBuilder().Handle<UpstreamException>(e => e.Kind == FailureKind.Transient && e.Upstream == "CodePipeline"),
                MaxRetryAttempts = 2,
                Delay = RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public Task<ExecutionDetails> GetExecutionAsync(ExecutionRef execution, CancellationToken ct) =>
        _retry.ExecuteAsync(static (state, token) => new ValueTask<ExecutionDetails>(state.self.CallAsync(state.execution, "GetPipelineExecution",
                JsonSerializer.SerializeToUtf8Bytes(new GetPipelineExecutionRequest(state.execution.Pipeline, state.execution.ExecutionId), CodePipelineJson.Default.GetPipelineExecutionRequest),
                ParseExecution, token)),
            (self: this, execution), ct).AsTask();

    /// <summary>One AWS JSON 1.1 call in the execution's account and region; <paramref name="parse"/> returns null for a body that is not the answer.</summary>
    private async Task<T> CallAsync<T>(ExecutionRef execution, string operation, byte[] body, Func<byte[], T?> parse, CancellationToken ct) where T : class
    {
        var credentials = _credentials.ForAccount(execution.Account);
        // Credentials first, outside CodePipeline's span: STS has its own, so each duration is its own upstream's.
        var used = await EnsureCredentialsAsync(credentials, ct).ConfigureAwait(false);
        using var call = BridgeTelemetry.StartUpstream("codepipeline", operation);
        var client = _clients.GetOrAdd((credentials, execution.Region), key => new HttpClient(
            new SigV4SigningHandler(key.Item1, RegionEndpoint.GetBySystemName(key.Item2), "codepipeline", _transport), disposeHandler: false)
        { Timeout = _attemptTimeout });

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoints.CodePipeline(execution.Region)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = AmzJson;
        request.Headers.Add("X-Amz-Target", TargetPrefix + operation);

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new UpstreamException("CodePipeline", FailureKind.Transient, $"{operation} could not be reached", inner: ex);
        }

        using (response)
        {
            var answer = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var parsed = parse(answer)
                    ?? throw new UpstreamException("CodePipeline", FailureKind.Transient,
                        $"{operation} answered 200 with a body that is not its answer", RequestBudget.DefaultRetryAfter);
                call.Succeeded();
                return parsed;
            }
            var error = MapError(response.StatusCode, Deserialize(answer, CodePipelineJson.Default.AwsJsonError), execution, operation);
            // Credentials revoked or expired early: drop them so the retry assumes the role again.
            if (error.Message.Contains("ExpiredToken", StringComparison.Ordinal) && credentials is RoleCredentials role)
                role.Invalidate(used!);
            throw error;
        }
    }

    /// <summary>Fetch (or refresh) credentials outside the HTTP call, so an STS failure is reported as one.</summary>
    private static async Task<ImmutableCredentials?> EnsureCredentialsAsync(AWSCredentials credentials, CancellationToken ct)
    {
        if (credentials is RoleCredentials role) return await role.EnsureAsync(ct).ConfigureAwait(false);
        try
        {
            return await credentials.GetCredentialsAsync().WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw ex is AmazonClientException
                ? new UpstreamException("AWS", FailureKind.Transient, "AWS credentials could not be obtained", RequestBudget.DefaultRetryAfter, ex)
                : StsErrors.Map("AssumeRole", ex);
        }
    }

    internal static UpstreamException MapError(HttpStatusCode status, AwsJsonError? error, ExecutionRef execution, string operation = "GetPipelineExecution")
    {
        var type = error?.Type is { } t ? t[(t.LastIndexOf('#') + 1)..] : null;
        var message = error?.Message ?? error?.MessageUpper ?? "";
        var kind = type switch
        {
            "ThrottlingException" or "Throttling" or "RequestLimitExceeded" or "ServiceUnavailableException" or "InternalFailure" => FailureKind.Transient,
            "ExpiredTokenException" => FailureKind.Transient,
            _ when (int)status >= 500 => FailureKind.Transient,
            _ => FailureKind.Misconfigured,
        };
        var what = type switch
        {
            "PipelineNotFoundException" => $"pipeline {execution.Pipeline} was not found in account {execution.Account} ({execution.Region})",
            "PipelineExecutionNotFoundException" => $"execution {execution.ExecutionId} of {execution.Pipeline} was not found",
            "AccessDeniedException" => $"the bridge's role may not call codepipeline:{operation} on {execution.Pipeline}",
            _ => $"{type ?? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)} {message}".Trim(),
        };
        return new UpstreamException("CodePipeline", kind, what) { Code = type };
    }

    /// <summary>
    /// The execution, or null when the body is not a GetPipelineExecution answer at all (empty, truncated, HTML, nested
    /// past the reader's limit, <c>pipelineExecution</c> or <c>artifactRevisions</c> of the wrong type): that is an
    /// upstream failure, never "no sources". Each revision is read on its own and a field of the wrong type reads as
    /// absent, so one malformed revision is skipped (by the resolver, with its reason) while its valid siblings are
    /// still posted.
    /// </summary>
    internal static ExecutionDetails? ParseExecution(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("pipelineExecution", out var execution)
                || execution.ValueKind != JsonValueKind.Object)
                return null;
            var revisions = ParseRevisions(execution);
            if (revisions is null) return null;
            return new ExecutionDetails(
                Text(execution, "status"),
                Text(execution, "executionType"),
                execution.TryGetProperty("trigger", out var trigger) ? Text(trigger, "triggerType") : null,
                execution.TryGetProperty("rollbackMetadata", out var rollback) ? Text(rollback, "rollbackTargetPipelineExecutionId") : null,
                revisions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<ArtifactRevision>? ParseRevisions(JsonElement execution)
    {
        if (!execution.TryGetProperty("artifactRevisions", out var revisions) || revisions.ValueKind == JsonValueKind.Null)
            return [];
        if (revisions.ValueKind != JsonValueKind.Array) return null;
        var list = new List<ArtifactRevision>(revisions.GetArrayLength());
        var index = 0;
        foreach (var revision in revisions.EnumerateArray())
        {
            index++;
            list.Add(new ArtifactRevision(
                Text(revision, "name") ?? $"(malformed artifact revision #{index})",
                Text(revision, "revisionId"), Text(revision, "revisionUrl"), Text(revision, "revisionSummary")));
        }
        return list;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static T? Deserialize<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        try { return body.Length == 0 ? default : JsonSerializer.Deserialize(body, info); }
        catch (JsonException) { return default; }
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values) c.Dispose();
    }
}
