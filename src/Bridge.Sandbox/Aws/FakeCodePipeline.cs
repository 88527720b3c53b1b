using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Sandbox;

/// <summary>
/// AWS CodePipeline's <c>GetPipelineExecution</c> over the AWS JSON 1.1 protocol (<c>POST /</c>,
/// <c>X-Amz-Target: CodePipeline_20150709.GetPipelineExecution</c>, <c>Content-Type: application/x-amz-json-1.1</c>, SigV4).
/// </summary>
/// <remarks>
/// Errors are <c>{"__type": ..., "message": ...}</c> with HTTP 400 (503 for an outage), as Coral-based JSON services
/// answer. Authentication and routing errors come from the service framework and carry its namespace
/// (<c>com.amazon.coral.service#...</c>); the bridge must strip anything up to <c>#</c>, as the AWS SDKs do.
/// Modelled exceptions (<c>PipelineNotFoundException</c>, ...) come without a namespace.
/// </remarks>
public sealed partial class FakeCodePipeline : LoopbackServer
{
    public const string ContentType = "application/x-amz-json-1.1";
    public const string GetPipelineExecutionTarget = "CodePipeline_20150709.GetPipelineExecution";
    private const string Coral = "com.amazon.coral.service#";

    private readonly ConcurrentDictionary<string, byte> _pipelines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SeededExecution> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedSigV4> _signers = new();

    public FakeCodePipeline(LoopbackServerOptions? options = null, string accountId = "123456789012")
        : base(options)
    {
        AccountId = accountId;
    }

    /// <summary>The account the pipelines live in (used in error messages).</summary>
    public string AccountId { get; }

    /// <summary>
    /// The region this endpoint serves: a request signed for another region is refused as the real regional endpoint
    /// refuses it (<c>InvalidSignatureException</c> "Credential should be scoped to a valid region"). Null: any region
    /// (one fake standing in for every regional endpoint), still refusing a scope that is not a region at all.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>The signer of every accepted request, in arrival order.</summary>
    public IReadOnlyList<RecordedSigV4> Signers => _signers.ToArray();

    /// <summary>400 <c>ThrottlingException</c> "Rate exceeded" (the SDK retries it).</summary>
    public static CannedResponseFault Throttling() => Error(400, "ThrottlingException", "Rate exceeded");

    /// <summary>503 <c>ServiceUnavailableException</c>.</summary>
    public static CannedResponseFault ServiceUnavailable() => Error(503, "ServiceUnavailableException", "Service Unavailable");

    /// <summary>400 <c>AccessDeniedException</c>: the role lacks <c>codepipeline:GetPipelineExecution</c>.</summary>
    public static CannedResponseFault AccessDenied(string principalArn = "arn:aws:sts::123456789012:assumed-role/bridge/session", string pipelineArn = "arn:aws:codepipeline:us-east-1:123456789012:pipeline") =>
        Error(400, Coral + "AccessDeniedException", $"User: {principalArn} is not authorized to perform: codepipeline:GetPipelineExecution on resource: {pipelineArn} because no identity-based policy allows the codepipeline:GetPipelineExecution action");

    /// <summary>
    /// 200 with <paramref name="body"/> as it stands (x-amz-json-1.1): a truncated, empty, HTML or wrong-typed answer,
    /// as a misbehaving front end or proxy produces. The bridge must not read it as "no sources".
    /// </summary>
    public static CannedResponseFault Answer200(string body, string contentType = ContentType) =>
        Fault.Respond(200, body, contentType).WithHeader("x-amzn-RequestId", Guid.NewGuid().ToString());

    /// <summary>Adds or replaces an execution; its pipeline becomes known.</summary>
    public void AddExecution(string pipelineName, string executionId, string status, params SeededRevision[] revisions)
    {
        _pipelines.TryAdd(pipelineName, 0);
        _executions[executionId] = new SeededExecution(pipelineName, executionId, status, revisions);
    }

    /// <summary>Adds or replaces an execution given whole (a rollback, another trigger); its pipeline becomes known.</summary>
    public void AddExecution(SeededExecution execution)
    {
        _pipelines.TryAdd(execution.PipelineName, 0);
        _executions[execution.ExecutionId] = execution;
    }

    protected override async Task HandleAsync(IncomingRequest request)
    {
        var auth = SigV4.Check(request, "codepipeline");
        if (auth.Failure != SigV4Failure.None)
        {
            var type = auth.Failure switch
            {
                SigV4Failure.Missing => "MissingAuthenticationTokenException",
                SigV4Failure.Incomplete => "IncompleteSignatureException",
                _ => "InvalidSignatureException",
            };
            await WriteErrorAsync(request.Response, 400, Coral + type, auth.Message).ConfigureAwait(false);
            return;
        }

        var scopeRegion = auth.Credential!.Region;
        if (!RegionPattern().IsMatch(scopeRegion) || (Region is { } served && served != scopeRegion))
        {
            await WriteErrorAsync(request.Response, 400, Coral + "InvalidSignatureException", $"Credential should be scoped to a valid region, not '{scopeRegion}'. ").ConfigureAwait(false);
            return;
        }

        _signers.Enqueue(auth.Credential!);

        // The framework routes on method, content type and target together: anything else is an unknown operation.
        var target = request.Header("X-Amz-Target");
        if (!HttpMethods.IsPost(request.Request.Method)
            || !(request.Request.ContentType ?? "").StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)
            || (target != GetPipelineExecutionTarget && !IsActionTarget(target)))
        {
            await WriteErrorAsync(request.Response, 400, Coral + "UnknownOperationException", null).ConfigureAwait(false);
            return;
        }

        if (target != GetPipelineExecutionTarget)
        {
            await HandleActionAsync(request, target!).ConfigureAwait(false);
            return;
        }

        if (!TryReadInput(request.BodyBytes, out var pipelineName, out var executionId, out var problem))
        {
            await WriteErrorAsync(request.Response, 400, problem.Type, problem.Message).ConfigureAwait(false);
            return;
        }

        if (!_pipelines.ContainsKey(pipelineName))
        {
            await WriteErrorAsync(request.Response, 400, "PipelineNotFoundException", $"Account '{AccountId}' does not have a pipeline with name '{pipelineName}'").ConfigureAwait(false);
            return;
        }

        if (!_executions.TryGetValue(executionId, out var execution) || execution.PipelineName != pipelineName)
        {
            await WriteErrorAsync(request.Response, 400, "PipelineExecutionNotFoundException", $"Pipeline execution with id '{executionId}' was not found in pipeline '{pipelineName}'").ConfigureAwait(false);
            return;
        }

        request.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await ResponseWriter.WriteJsonAsync(request.Response, 200, execution, static (w, e) => e.Write(w), ContentType).ConfigureAwait(false);
    }

    private static bool TryReadInput(ReadOnlyMemory<byte> body, out string pipelineName, out string executionId, out (string Type, string Message) problem)
    {
        pipelineName = executionId = "";
        string? name = null, id = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                name = StringProperty(document.RootElement, "pipelineName");
                id = StringProperty(document.RootElement, "pipelineExecutionId");
            }
        }
        catch (JsonException)
        {
            problem = (Coral + "SerializationException", "Start of structure or map found where not expected.");
            return false;
        }

        var errors = new List<string>(2);
        if (name is null)
        {
            errors.Add("Value null at 'pipelineName' failed to satisfy constraint: Member must not be null");
        }

        if (id is null)
        {
            errors.Add("Value null at 'pipelineExecutionId' failed to satisfy constraint: Member must not be null");
        }

        if (errors.Count > 0)
        {
            problem = ("ValidationException", $"{errors.Count} validation error{(errors.Count > 1 ? "s" : "")} detected: {string.Join("; ", errors)}");
            return false;
        }

        pipelineName = name!;
        executionId = id!;
        problem = default;
        return true;
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")]
    private static partial System.Text.RegularExpressions.Regex RegionPattern();

    private static CannedResponseFault Error(int status, string type, string message) =>
        Fault.Respond(status, ResponseWriter.JsonObject(("__type", type), ("message", message)), ContentType)
            .WithHeader("x-amzn-RequestId", Guid.NewGuid().ToString());

    private static Task WriteErrorAsync(HttpResponse response, int status, string type, string? message)
    {
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        return ResponseWriter.WriteTextAsync(response, status, ContentType, ResponseWriter.JsonObject(("__type", type), ("message", message)));
    }
}
