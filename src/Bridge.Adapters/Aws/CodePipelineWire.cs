using System.Text.Json.Serialization;

namespace Bridge.Adapters.Aws;

// The JSON 1.1 shapes of GetPipelineExecution, named as in the AWS API reference so a later switch to
// AWSSDK.CodePipeline (not served by our registry today) maps one to one.

internal sealed record GetPipelineExecutionRequest(
    [property: JsonPropertyName("pipelineName")] string PipelineName,
    [property: JsonPropertyName("pipelineExecutionId")] string PipelineExecutionId);

/// <summary>AWS JSON protocol errors: <c>{"__type": "[namespace#]Name", "message"|"Message": "..."}</c>.</summary>
internal sealed record AwsJsonError(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? MessageUpper);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(GetPipelineExecutionRequest))]
[JsonSerializable(typeof(AwsJsonError))]
internal sealed partial class CodePipelineJson : JsonSerializerContext;
