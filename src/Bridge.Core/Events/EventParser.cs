using System.Globalization;
using System.Text.Json;
using Bridge.Core.Text;

namespace Bridge.Core.Events;

/// <summary>What was wrong with a request body, worded for the operator who finds it in the dead-letter queue.</summary>
public sealed record InputProblem(string Title, string Detail);

/// <summary>Either an event or the reason the body is not one.</summary>
public readonly record struct ParseResult(CodePipelineEvent? Event, InputProblem? Problem)
{
    public static ParseResult Ok(CodePipelineEvent e) => new(e, null);
    public static ParseResult Fail(string detail) => new(null, new InputProblem("Invalid CodePipeline event", detail));
}

/// <summary>
/// Reads an EventBridge envelope leniently: unknown fields are ignored, numbers may arrive as 1, 1.0 or "1",
/// optional fields may be missing. Only what the bridge cannot work without is required.
/// </summary>
public static class EventParser
{
    /// <summary>How much of a rejected value is echoed back in a message.</summary>
    private const int MaxEcho = 81;

    public const string Source = "aws.codepipeline";
    public const string PipelineDetailType = "CodePipeline Pipeline Execution State Change";
    public const string StageDetailType = "CodePipeline Stage Execution State Change";
    public const string ActionDetailType = "CodePipeline Action Execution State Change";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    public static ParseResult Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, Options);
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail($"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        using (doc)
        {
            return Read(doc.RootElement);
        }
    }

    private static ParseResult Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return ParseResult.Fail("The body is not an EventBridge event: expected a JSON object.");

        // 'source' and 'detail-type' are compared in place: read into strings only to echo a wrong value.
        if (!HasText(root, "source", out var source))
            return ParseResult.Fail("The body is not an EventBridge event: 'source' is missing.");
        if (!source.ValueEquals(Source))
            return ParseResult.Fail($"'source' is '{TextClip.Clip(source.GetString(), MaxEcho)}'; this endpoint accepts only '{Source}'.");

        // CodeStar Notifications' processed form (what notification rules send to SNS or Chatbot) spells it detailType
        // and carries no id; it is the same event otherwise, so it is handled like the raw one.
        var notification = false;
        if (!HasText(root, "detail-type", out var detailType))
        {
            if (!HasText(root, "detailType", out detailType))
                return ParseResult.Fail("The body is not an EventBridge event: 'detail-type' is missing.");
            notification = true;
        }
        EventLevel level;
        if (detailType.ValueEquals(PipelineDetailType)) level = EventLevel.Pipeline;
        else if (detailType.ValueEquals(StageDetailType)) level = EventLevel.Stage;
        else if (detailType.ValueEquals(ActionDetailType)) level = EventLevel.Action;
        else return ParseResult.Fail($"'detail-type' '{TextClip.Clip(detailType.GetString(), MaxEcho)}' is not a CodePipeline state-change event.");

        var id = Text(root, "id");
        if (id is null && !notification) return ParseResult.Fail("The body is not an EventBridge event: 'id' is missing.");
        if (id is not null && !AwsNames.IsEventId(id)) return ParseResult.Fail($"'id' '{TextClip.Clip(id, MaxEcho)}' is not an EventBridge event id.");
        var region = Text(root, "region");
        if (region is null) return ParseResult.Fail("'region' is missing.");
        if (!AwsNames.IsRegion(region)) return ParseResult.Fail($"'region' '{TextClip.Clip(region, MaxEcho)}' is not an AWS region name.");
        var timeText = Text(root, "time");
        if (timeText is null) return ParseResult.Fail("The body is not an EventBridge event: 'time' is missing.");
        if (!TryTime(timeText, out var time)) return ParseResult.Fail($"'time' '{TextClip.Clip(timeText, MaxEcho)}' is not an ISO 8601 timestamp.");
        var account = Text(root, "account") ?? "";

        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
            return ParseResult.Fail("'detail' is missing or not an object.");

        var pipeline = Text(detail, "pipeline");
        if (pipeline is null) return ParseResult.Fail("'detail.pipeline' is missing.");
        if (!AwsNames.IsPipelineName(pipeline)) return ParseResult.Fail($"'detail.pipeline' '{TextClip.Clip(pipeline, MaxEcho)}' is not a valid pipeline name.");
        var executionId = Text(detail, "execution-id");
        if (executionId is null) return ParseResult.Fail("'detail.execution-id' is missing.");
        if (!AwsNames.IsExecutionId(executionId)) return ParseResult.Fail($"'detail.execution-id' '{TextClip.Clip(executionId, MaxEcho)}' is not a valid execution id.");
        var state = Text(detail, "state");
        if (state is null) return ParseResult.Fail("'detail.state' is missing.");
        if (!AwsNames.IsState(state)) return ParseResult.Fail($"'detail.state' '{TextClip.Clip(state, MaxEcho)}' is not a state name.");

        DateTimeOffset? startTime = null;
        if (Text(detail, "start-time") is { } startText)
        {
            if (!TryTime(startText, out var st)) return ParseResult.Fail($"'detail.start-time' '{TextClip.Clip(startText, MaxEcho)}' is not an ISO 8601 timestamp.");
            startTime = st;
        }

        DateTimeOffset? retryTime = null;
        if (Text(detail, "stage-last-retry-attempt-time") is { } retryText)
        {
            if (!TryTime(retryText, out var rt)) return ParseResult.Fail($"'detail.stage-last-retry-attempt-time' '{TextClip.Clip(retryText, MaxEcho)}' is not an ISO 8601 timestamp.");
            retryTime = rt;
        }

        var stage = Text(detail, "stage");
        if (stage is not null && !AwsNames.IsStageOrActionName(stage))
            return ParseResult.Fail($"'detail.stage' '{TextClip.Clip(stage, MaxEcho)}' is not a valid stage name.");
        var action = Text(detail, "action");
        if (action is not null && !AwsNames.IsStageOrActionName(action))
            return ParseResult.Fail($"'detail.action' '{TextClip.Clip(action, MaxEcho)}' is not a valid action name.");

        // A notification has no id of its own: name it after what it reports, for the log and the answer.
        id ??= string.Create(CultureInfo.InvariantCulture, $"notification-{executionId}-{state.ToUpperInvariant()}-{time.ToUnixTimeSeconds()}");
        string? failedStage = null;
        if (root.TryGetProperty("additionalAttributes", out var extra) && extra.ValueKind == JsonValueKind.Object
            && Text(extra, "failedStage") is { } named && AwsNames.IsStageOrActionName(named))
            failedStage = named;

        return ParseResult.Ok(new CodePipelineEvent(
            id, level, account, region, time, pipeline, executionId, state.ToUpperInvariant(), startTime,
            LenientInt(detail, "pipeline-execution-attempt"),
            stage,
            action,
            ReadTrigger(detail),
            failedStage,
            retryTime));
    }

    private static ExecutionTrigger? ReadTrigger(JsonElement detail)
    {
        if (!detail.TryGetProperty("execution-trigger", out var t) || t.ValueKind != JsonValueKind.Object)
            return null;
        return new ExecutionTrigger(
            Text(t, "trigger-type"), Text(t, "provider-type"), Text(t, "full-repository-name"), Text(t, "commit-id"),
            Text(t, "branch-name"), Text(t, "tag-name"), Text(t, "connection-arn"))
        { Author = Text(t, "author-display-name") };
    }

    /// <summary>Whether the property is a non-empty string (what <see cref="Text"/> would read), without reading it.</summary>
    private static bool HasText(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.String && !value.ValueEquals(""u8);

    /// <summary>A non-empty string property, or null when absent, null, empty or not a string.</summary>
    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    /// <summary>CodePipeline writes counters as 1, 1.0, 16.0 or "1"; anything else reads as absent.</summary>
    internal static int? LenientInt(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v)) return null;
        double d;
        if (v.ValueKind == JsonValueKind.Number) d = v.GetDouble();
        else if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) d = parsed;
        else return null;
        return d is >= 0 and <= int.MaxValue && Math.Abs(d - Math.Round(d)) < 1e-9 ? (int)Math.Round(d) : null;
    }

    private static bool TryTime(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

}
