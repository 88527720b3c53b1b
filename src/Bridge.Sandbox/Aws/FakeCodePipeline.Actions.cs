using System.Collections.Concurrent;
using System.Text.Json;

namespace Bridge.Sandbox;

/// <summary>
/// ListActionExecutions, RetryStageExecution and StartPipelineExecution with their JSON 1.1 shapes and AWS's refusals:
/// a stage that has no failed action is not retryable (<c>StageNotRetryableException</c>), source revision overrides
/// need a V2 pipeline and a known source action (<c>ValidationException</c>), and one client request token starts one
/// execution however often it is sent.
/// </summary>
public sealed partial class FakeCodePipeline
{
    private const string ListActionExecutionsTarget = "CodePipeline_20150709.ListActionExecutions";
    private const string RetryStageExecutionTarget = "CodePipeline_20150709.RetryStageExecution";
    private const string StartPipelineExecutionTarget = "CodePipeline_20150709.StartPipelineExecution";
    private const string GetPipelineStateTarget = "CodePipeline_20150709.GetPipelineState";

    private readonly ConcurrentDictionary<(string Pipeline, string Action), string> _sourceHeads = new();

    /// <summary>What GetPipelineState reports as a source action's current revision (the head it would build next).</summary>
    public void SetSourceHead(string pipelineName, string sourceAction, string revision) => _sourceHeads[(pipelineName, sourceAction)] = revision;

    private readonly ConcurrentDictionary<string, IReadOnlyList<SeededAction>> _actions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _pipelineTypes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _startsByToken = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Pipeline, string Stage, string ExecutionId, string Mode)> _retries = new();
    private readonly ConcurrentQueue<(string Pipeline, string Action, string RevisionType, string Revision, string ExecutionId)> _starts = new();

    /// <summary>RetryStageExecution calls AWS accepted, in order.</summary>
    public IReadOnlyList<(string Pipeline, string Stage, string ExecutionId, string Mode)> Retries => [.. _retries];

    /// <summary>Executions StartPipelineExecution started (one per client token), with their source override.</summary>
    public IReadOnlyList<(string Pipeline, string Action, string RevisionType, string Revision, string ExecutionId)> Starts => [.. _starts];

    /// <summary>What ListActionExecutions reports for an execution.</summary>
    public void SetActions(string executionId, params SeededAction[] actions) => _actions[executionId] = actions;

    /// <summary>V1 or V2 (the default): only V2 pipelines take source revision overrides.</summary>
    public void SetPipelineType(string pipelineName, string type) => _pipelineTypes[pipelineName] = type;

    private static bool IsActionTarget(string? target) => target is ListActionExecutionsTarget or RetryStageExecutionTarget or StartPipelineExecutionTarget or GetPipelineStateTarget;

    private async Task HandleActionAsync(IncomingRequest request, string target)
    {
        JsonElement input;
        try
        {
            using var document = JsonDocument.Parse(request.BodyBytes);
            input = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await WriteErrorAsync(request.Response, 400, Coral + "SerializationException", "Start of structure or map found where not expected.").ConfigureAwait(false);
            return;
        }
        var pipeline = Str(input, target is StartPipelineExecutionTarget or GetPipelineStateTarget ? "name" : "pipelineName");
        if (pipeline is null)
        {
            await WriteErrorAsync(request.Response, 400, "ValidationException", "1 validation error detected: Value null at 'pipelineName' failed to satisfy constraint: Member must not be null").ConfigureAwait(false);
            return;
        }
        if (!_pipelines.ContainsKey(pipeline))
        {
            await WriteErrorAsync(request.Response, 400, "PipelineNotFoundException", $"Account '{AccountId}' does not have a pipeline with name '{pipeline}'").ConfigureAwait(false);
            return;
        }
        request.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        switch (target)
        {
            case GetPipelineStateTarget:
                var heads = _sourceHeads.Where(h => h.Key.Pipeline == pipeline).ToArray();
                await ResponseWriter.WriteJsonAsync(request.Response, 200, (pipeline, heads), static (w, x) =>
                {
                    w.WriteStartObject();
                    w.WriteString("pipelineName", x.pipeline);
                    w.WriteNumber("pipelineVersion", 1);
                    w.WriteStartArray("stageStates");
                    w.WriteStartObject();
                    w.WriteString("stageName", "Source");
                    w.WriteStartArray("actionStates");
                    foreach (var ((_, action), revision) in x.heads)
                    {
                        w.WriteStartObject();
                        w.WriteString("actionName", action);
                        w.WriteStartObject("currentRevision");
                        w.WriteString("revisionId", revision);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteEndObject();
                }, ContentType).ConfigureAwait(false);
                return;

            case ListActionExecutionsTarget:
                var id = input.TryGetProperty("filter", out var filter) && filter.ValueKind == JsonValueKind.Object ? Str(filter, "pipelineExecutionId") : null;
                var listed = (id is null ? _actions.Values.SelectMany(a => a) : _actions.GetValueOrDefault(id) ?? []).ToArray();
                await ResponseWriter.WriteJsonAsync(request.Response, 200, (listed, id), static (w, x) =>
                {
                    w.WriteStartObject();
                    w.WriteStartArray("actionExecutionDetails");
                    foreach (var a in x.listed) a.Write(w, x.id ?? "");
                    w.WriteEndArray();
                    w.WriteEndObject();
                }, ContentType).ConfigureAwait(false);
                return;

            case RetryStageExecutionTarget:
                var (stage, execution, mode) = (Str(input, "stageName"), Str(input, "pipelineExecutionId"), Str(input, "retryMode"));
                if (stage is null || execution is null || mode is not ("FAILED_ACTIONS" or "ALL_ACTIONS"))
                {
                    await WriteErrorAsync(request.Response, 400, "ValidationException", "stageName, pipelineExecutionId and retryMode (FAILED_ACTIONS | ALL_ACTIONS) are required").ConfigureAwait(false);
                    return;
                }
                if (!_actions.TryGetValue(execution, out var actions) || !actions.Any(a => a.Stage == stage && a.Status == "Failed"))
                {
                    await WriteErrorAsync(request.Response, 400, "StageNotRetryableException", $"Stage '{stage}' of execution '{execution}' has no failed actions to retry").ConfigureAwait(false);
                    return;
                }
                _retries.Enqueue((pipeline, stage, execution, mode));
                await ResponseWriter.WriteJsonAsync(request.Response, 200, execution, static (w, e) => { w.WriteStartObject(); w.WriteString("pipelineExecutionId", e); w.WriteEndObject(); }, ContentType).ConfigureAwait(false);
                return;

            default:
                var token = Str(input, "clientRequestToken");
                var revisions = input.TryGetProperty("sourceRevisions", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToArray() : [];
                if (revisions.Length > 0 && _pipelineTypes.GetValueOrDefault(pipeline) == "V1")
                {
                    await WriteErrorAsync(request.Response, 400, "ValidationException", "Source revision overrides are only supported for pipelines of type V2").ConfigureAwait(false);
                    return;
                }
                var revision = revisions.FirstOrDefault();
                var (action, type, value) = revisions.Length == 0 ? ("", "", "") : (Str(revision, "actionName") ?? "", Str(revision, "revisionType") ?? "", Str(revision, "revisionValue") ?? "");
                if (revisions.Length > 0 && (type is not ("COMMIT_ID" or "IMAGE_DIGEST" or "S3_OBJECT_VERSION_ID" or "S3_OBJECT_KEY") || value.Length == 0
                    || !_actions.Values.SelectMany(a => a).Any(a => a.Action == action && a.Category == "Source")))
                {
                    await WriteErrorAsync(request.Response, 400, "ValidationException", $"The source revision override for action '{action}' is not valid for pipeline '{pipeline}'").ConfigureAwait(false);
                    return;
                }
                var started = token is null ? Guid.NewGuid().ToString() : _startsByToken.GetOrAdd(token, _ =>
                {
                    var newId = Guid.NewGuid().ToString();
                    _starts.Enqueue((pipeline, action, type, value, newId));
                    return newId;
                });
                if (token is null) _starts.Enqueue((pipeline, action, type, value, started));
                await ResponseWriter.WriteJsonAsync(request.Response, 200, started, static (w, e) => { w.WriteStartObject(); w.WriteString("pipelineExecutionId", e); w.WriteEndObject(); }, ContentType).ConfigureAwait(false);
                return;
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>An action of an execution as the fake's ListActionExecutions reports it.</summary>
/// <param name="Category">Source, Build, Test, Deploy, …</param>
/// <param name="Status">InProgress, Abandoned, Succeeded or Failed.</param>
/// <param name="ExternalId">For a Git source, the commit.</param>
public sealed record SeededAction(string Stage, string Action, string Category, string Status, string? ExternalId = null, string? Summary = null, string? Url = null, string? Error = null)
{
    internal void Write(Utf8JsonWriter w, string executionId)
    {
        w.WriteStartObject();
        w.WriteString("pipelineExecutionId", executionId);
        w.WriteString("actionExecutionId", Guid.NewGuid().ToString());
        w.WriteNumber("pipelineVersion", 1);
        w.WriteString("stageName", Stage);
        w.WriteString("actionName", Action);
        w.WriteNumber("startTime", 1_764_147_600.0);
        w.WriteNumber("lastUpdateTime", 1_764_147_900.0);
        w.WriteString("status", Status);
        w.WriteStartObject("input");
        w.WriteStartObject("actionTypeId");
        w.WriteString("category", Category);
        w.WriteString("owner", "AWS");
        w.WriteString("provider", Category == "Source" ? "CodeStarSourceConnection" : "CodeBuild");
        w.WriteString("version", "1");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("output");
        w.WriteStartObject("executionResult");
        if (ExternalId is not null) w.WriteString("externalExecutionId", ExternalId);
        if (Summary is not null) w.WriteString("externalExecutionSummary", Summary);
        if (Url is not null) w.WriteString("externalExecutionUrl", Url);
        if (Error is not null)
        {
            w.WriteStartObject("errorDetails");
            w.WriteString("code", "JobFailed");
            w.WriteString("message", Error);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
