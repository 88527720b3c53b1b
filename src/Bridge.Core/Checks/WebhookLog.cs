using Microsoft.Extensions.Logging;

namespace Bridge.Core.Checks;

/// <summary>Who asked for what from GitHub, and what the bridge did.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(20, LogLevel.Information, "GitHub user {Sender} on {Repository} asked {Action} for pipeline {Pipeline} execution {ExecutionId}: {Outcome} {Detail}")]
    public static partial void Acted(ILogger logger, string sender, string repository, string pipeline, string executionId, string? action, string outcome, string detail);

    [LoggerMessage(21, LogLevel.Warning, "GitHub user {Sender} on {Repository} asked {Action} for pipeline {Pipeline} execution {ExecutionId}, which failed: {Problem}")]
    public static partial void Failed(ILogger logger, string sender, string repository, string pipeline, string executionId, string? action, string problem);
}
