using Microsoft.Extensions.Logging;

namespace Bridge.Core.Handling;

/// <summary>The handler's structured log lines: event id, pipeline, execution, repository, sha and outcome on each.</summary>
internal static partial class HandlerLog
{
    [LoggerMessage(1, LogLevel.Warning, "Rejected a request body: {Problem}")]
    public static partial void Invalid(ILogger logger, string problem);

    [LoggerMessage(2, LogLevel.Information, "Event {EventId} pipeline {Pipeline} execution {ExecutionId} state {State}: {Outcome} ({StatusCode})")]
    public static partial void Event(ILogger logger, string eventId, string pipeline, string executionId, string state, string outcome, int statusCode);

    [LoggerMessage(3, LogLevel.Information, "Event {EventId} pipeline {Pipeline} execution {ExecutionId} repo {Repository} sha {Sha}: {Outcome} {Detail}")]
    public static partial void Revision(ILogger logger, string eventId, string pipeline, string executionId, string repository, string sha, string outcome, string detail);

    [LoggerMessage(4, LogLevel.Information, "Event {EventId} pipeline {Pipeline} execution {ExecutionId}: source {Source} skipped, {Reason}")]
    public static partial void Skipped(ILogger logger, string eventId, string pipeline, string executionId, string source, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Event {EventId} pipeline {Pipeline}: unknown state {State}, no status posted")]
    public static partial void UnknownState(ILogger logger, string eventId, string pipeline, string state);

    [LoggerMessage(6, LogLevel.Information, "Event {EventId} pipeline {Pipeline} execution {ExecutionId}: GitHub refused the commit of tag {Tag}, using the execution's recorded sources")]
    public static partial void TagFallback(ILogger logger, string eventId, string pipeline, string executionId, string tag);
}
