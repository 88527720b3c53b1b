namespace Bridge.Redrive.Tests.Fakes;

/// <summary>Dead-lettered CodePipeline events as EventBridge leaves them: the event as the body, the reason as message attributes.</summary>
public static class DeadLetters
{
    public const string QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/codepipeline-github-bridge-dlq";

    public static string Event(string id, string pipeline = "web-app", string state = "SUCCEEDED") => $$$"""
        {"version":"0","id":"{{{id}}}","detail-type":"CodePipeline Pipeline Execution State Change","source":"aws.codepipeline","account":"123456789012","time":"2026-11-30T10:00:00Z","region":"eu-west-1","resources":["arn:aws:codepipeline:eu-west-1:123456789012:{{{pipeline}}}"],"detail":{"pipeline":"{{{pipeline}}}","execution-id":"{{{Guid.NewGuid()}}}","state":"{{{state}}}","version":1.0}}
        """;

    public static IReadOnlyDictionary<string, string> Attributes(string errorCode = "SDK_CLIENT_ERROR", string errorMessage = "Unable to invoke ApiDestination endpoint: API destination endpoint returned 424") =>
        new Dictionary<string, string>
        {
            ["RULE_ARN"] = "arn:aws:events:eu-west-1:123456789012:rule/codepipeline-github-bridge",
            ["TARGET_ARN"] = "arn:aws:events:eu-west-1:123456789012:api-destination/codepipeline-github-bridge/0d7a",
            ["ERROR_CODE"] = errorCode,
            ["ERROR_MESSAGE"] = errorMessage,
            ["EXHAUSTED_RETRY_CONDITION"] = "MaximumRetryAttempts",
            ["RETRY_ATTEMPTS"] = "185",
        };
}
