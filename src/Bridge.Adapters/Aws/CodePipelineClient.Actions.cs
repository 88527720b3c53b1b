using System.Text.Json;
using Bridge.Core.Checks;
using Bridge.Core.Handling;

namespace Bridge.Adapters.Aws;

/// <summary>
/// The calls behind GitHub's buttons: ListActionExecutions (which stage failed, which source action built the commit),
/// RetryStageExecution and StartPipelineExecution. Same signing, endpoint and error map as GetPipelineExecution.
/// </summary>
public sealed partial class CodePipelineClient
{
    /// <summary>ListActionExecutions pages; a pipeline's one execution rarely has more than a hundred actions.</summary>
    private const int MaxActionPages = 5;

    public async Task<IReadOnlyList<ActionExecution>> ListActionsAsync(ExecutionRef execution, CancellationToken ct)
    {
        var all = new List<ActionExecution>();
        string? next = null;
        for (var page = 0; page < MaxActionPages; page++)
        {
            var request = new ListActionExecutionsRequest(execution.Pipeline, new ActionExecutionFilter(execution.ExecutionId), 100, next);
            var (actions, token) = await _retry.ExecuteAsync(static (state, t) => new ValueTask<ActionPage>(state.self.CallAsync(state.execution, "ListActionExecutions",
                    JsonSerializer.SerializeToUtf8Bytes(state.request, CodePipelineJson.Default.ListActionExecutionsRequest), ParseActions, t)),
                (self: this, execution, request), ct).ConfigureAwait(false);
            all.AddRange(actions);
            if ((next = token) is null) break;
        }
        return all;
    }

    public Task RetryFailedActionsAsync(ExecutionRef execution, string stage, CancellationToken ct) =>
        // Not retried here: a second RetryStageExecution of a stage already retrying is refused by AWS anyway.
        CallAsync(execution, "RetryStageExecution", JsonSerializer.SerializeToUtf8Bytes(
            new RetryStageExecutionRequest(execution.Pipeline, stage, execution.ExecutionId, "FAILED_ACTIONS"), CodePipelineJson.Default.RetryStageExecutionRequest),
            ParseExecutionId, ct);

    public async Task<string> StartOnCommitAsync(ExecutionRef execution, string sourceAction, string commit, string clientToken, CancellationToken ct)
    {
        // The client token makes retries safe: AWS starts one execution per token.
        var body = JsonSerializer.SerializeToUtf8Bytes(new StartPipelineExecutionRequest(execution.Pipeline,
            [new SourceRevisionOverride(sourceAction, "COMMIT_ID", commit)], clientToken), CodePipelineJson.Default.StartPipelineExecutionRequest);
        return (await _retry.ExecuteAsync(static (state, t) => new ValueTask<ExecutionIdAnswer>(state.self.CallAsync(state.execution, "StartPipelineExecution", state.body, ParseExecutionId, t)),
            (self: this, execution, body), ct).ConfigureAwait(false)).Id;
    }

    public async Task<string?> SourceHeadAsync(ExecutionRef execution, string sourceAction, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new GetPipelineStateRequest(execution.Pipeline), CodePipelineJson.Default.GetPipelineStateRequest);
        var state = await _retry.ExecuteAsync(static (s, t) => new ValueTask<PipelineStateAnswer>(s.self.CallAsync(s.execution, "GetPipelineState", s.body, ParseState, t)),
            (self: this, execution, body), ct).ConfigureAwait(false);
        return state.Heads.GetValueOrDefault(sourceAction);
    }

    public async Task<string> StartAsync(ExecutionRef execution, string clientToken, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new StartPipelineExecutionRequest(execution.Pipeline, null, clientToken), CodePipelineJson.Default.StartPipelineExecutionRequest);
        return (await _retry.ExecuteAsync(static (s, t) => new ValueTask<ExecutionIdAnswer>(s.self.CallAsync(s.execution, "StartPipelineExecution", s.body, ParseExecutionId, t)),
            (self: this, execution, body), ct).ConfigureAwait(false)).Id;
    }

    private sealed record PipelineStateAnswer(Dictionary<string, string> Heads);

    /// <summary>GetPipelineState's <c>stageStates[].actionStates[].currentRevision.revisionId</c> by action name.</summary>
    private static PipelineStateAnswer? ParseState(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("stageStates", out var stages) || stages.ValueKind != JsonValueKind.Array)
                return null;
            var heads = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var stage in stages.EnumerateArray())
            {
                if (stage.ValueKind != JsonValueKind.Object || !stage.TryGetProperty("actionStates", out var actions) || actions.ValueKind != JsonValueKind.Array) continue;
                foreach (var action in actions.EnumerateArray())
                    if (Text(action, "actionName") is { } name && Member(action, "currentRevision") is { } revision && Text(revision, "revisionId") is { } id)
                        heads[name] = id;
            }
            return new PipelineStateAnswer(heads);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record ActionPage(IReadOnlyList<ActionExecution> Actions, string? NextToken);

    private sealed record ExecutionIdAnswer(string Id);

    private static ExecutionIdAnswer? ParseExecutionId(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && Text(document.RootElement, "pipelineExecutionId") is { } id ? new ExecutionIdAnswer(id) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>actionExecutionDetails[]</c> with <c>stageName</c>, <c>actionName</c>, <c>status</c>,
    /// <c>input.actionTypeId.category</c> and <c>output.executionResult</c>; null when the body is not that answer.
    /// </summary>
    private static ActionPage? ParseActions(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("actionExecutionDetails", out var details) || details.ValueKind != JsonValueKind.Array)
                return null;
            var actions = new List<ActionExecution>(details.GetArrayLength());
            foreach (var d in details.EnumerateArray())
            {
                if (Text(d, "stageName") is not { } stage || Text(d, "actionName") is not { } action) continue;
                var category = Member(Member(d, "input"), "actionTypeId") is { } type ? Text(type, "category") : null;
                var result = Member(Member(d, "output"), "executionResult");
                var error = result is { } r && Member(r, "errorDetails") is { } e ? Text(e, "message") : null;
                actions.Add(new ActionExecution(stage, action, category ?? "", Text(d, "status") ?? "",
                    result is { } x ? Text(x, "externalExecutionId") : null, result is { } y ? Text(y, "externalExecutionSummary") : null,
                    result is { } z ? Text(z, "externalExecutionUrl") : null, error)
                {
                    Started = EpochSeconds(d, "startTime"),
                    Updated = EpochSeconds(d, "lastUpdateTime"),
                });
            }
            return new ActionPage(actions, Text(root, "nextToken"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>AWS JSON 1.1 timestamps are seconds since the epoch, as a number.</summary>
    private static DateTimeOffset? EpochSeconds(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds)
            && seconds is > 0 and < 253_402_300_799
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;

    private static JsonElement? Member(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;
}
