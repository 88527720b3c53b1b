using System.Text.Json.Serialization;

namespace Bridge.Adapters.Aws;

// The JSON 1.1 request shapes of GetPipelineExecution, ListActionExecutions, RetryStageExecution and StartPipelineExecution, named as in the AWS API reference so a later switch to
// AWSSDK.CodePipeline (not served by our registry today) maps one to one.

internal sealed record GetPipelineExecutionRequest(
    [property: JsonPropertyName("pipelineName")] string PipelineName,
    [property: JsonPropertyName("pipelineExecutionId")] string PipelineExecutionId);

internal sealed record ListActionExecutionsRequest(
    [property: JsonPropertyName("pipelineName")] string PipelineName,
    [property: JsonPropertyName("filter")] ActionExecutionFilter Filter,
    [property: JsonPropertyName("maxResults")] int MaxResults,
    [property: JsonPropertyName("nextToken")] string? NextToken);

internal sealed record ActionExecutionFilter([property: JsonPropertyName("pipelineExecutionId")] string PipelineExecutionId);

internal sealed record RetryStageExecutionRequest(
    [property: JsonPropertyName("pipelineName")] string PipelineName,
    [property: JsonPropertyName("stageName")] string StageName,
    [property: JsonPropertyName("pipelineExecutionId")] string PipelineExecutionId,
    [property: JsonPropertyName("retryMode")] string RetryMode);

internal sealed record StartPipelineExecutionRequest(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sourceRevisions")] IReadOnlyList<SourceRevisionOverride>? SourceRevisions,
    [property: JsonPropertyName("clientRequestToken")] string ClientRequestToken);

internal sealed record GetPipelineStateRequest([property: JsonPropertyName("name")] string Name);

internal sealed record SourceRevisionOverride(
    [property: JsonPropertyName("actionName")] string ActionName,
    [property: JsonPropertyName("revisionType")] string RevisionType,
    [property: JsonPropertyName("revisionValue")] string RevisionValue);

/// <summary>AWS JSON protocol errors: <c>{"__type": "[namespace#]Name", "message"|"Message": "..."}</c>.</summary>
internal sealed record AwsJsonError(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? MessageUpper);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GetPipelineExecutionRequest))]
[JsonSerializable(typeof(AwsJsonError))]
[JsonSerializable(typeof(ListActionExecutionsRequest))]
[JsonSerializable(typeof(RetryStageExecutionRequest))]
[JsonSerializable(typeof(StartPipelineExecutionRequest))]
[JsonSerializable(typeof(GetPipelineStateRequest))]
internal sealed partial class CodePipelineJson : JsonSerializerContext;
