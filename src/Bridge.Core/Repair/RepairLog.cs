using Microsoft.Extensions.Logging;

namespace Bridge.Core.Repair;

/// <summary>The repair sweep's log lines: pipeline, execution, repository, sha and context on each that concerns a slot.</summary>
internal static partial class RepairLog
{
    [LoggerMessage(101, LogLevel.Information, "Repair: pipeline {Pipeline} execution {ExecutionId} ended {ExecutionStatus} without its result reaching the bridge; repo {Repository} sha {Sha} context {Context}: {Outcome} {Detail}")]
    public static partial void Repaired(ILogger logger, string pipeline, string executionId, string executionStatus, string repository, string sha, string context, string outcome, string detail);

    [LoggerMessage(102, LogLevel.Warning, "Repair: pipeline {Pipeline} execution {ExecutionId} was not found for {Pending}; gave up, repo {Repository} sha {Sha} context {Context}: {Outcome} {Detail}")]
    public static partial void GaveUp(ILogger logger, string pipeline, string executionId, TimeSpan pending, string repository, string sha, string context, string outcome, string detail);

    [LoggerMessage(103, LogLevel.Information, "Repair: pipeline {Pipeline} execution {ExecutionId} was not found; repo {Repository} sha {Sha} context {Context} stays pending until {GiveUpAt}")]
    public static partial void NotFound(ILogger logger, string pipeline, string executionId, string repository, string sha, string context, DateTimeOffset giveUpAt);

    [LoggerMessage(104, LogLevel.Debug, "Repair: pipeline {Pipeline} execution {ExecutionId} is still {ExecutionStatus}; repo {Repository} sha {Sha} context {Context} stays pending")]
    public static partial void Running(ILogger logger, string pipeline, string executionId, string executionStatus, string repository, string sha, string context);

    [LoggerMessage(105, LogLevel.Warning, "Repair: pipeline {Pipeline} execution {ExecutionId}, repo {Repository} sha {Sha} context {Context}: {Detail}; the next sweep tries again")]
    public static partial void Failed(ILogger logger, string pipeline, string executionId, string repository, string sha, string context, string detail);

    [LoggerMessage(106, LogLevel.Information, "Repair skipped {Count} pending slots written before the ledger kept account, region and pipeline (the first: repo {Repository} sha {Sha} context {Context}); their executions cannot be asked about")]
    public static partial void Legacy(ILogger logger, int count, string repository, string sha, string context);

    [LoggerMessage(107, LogLevel.Information, "Repair skipped repo {Repository} sha {Sha} context {Context}: not a context of pipeline {Pipeline} under the configured prefix")]
    public static partial void ForeignContext(ILogger logger, string repository, string sha, string context, string pipeline);

    [LoggerMessage(108, LogLevel.Information, "Repair sweep: {Slots} pending slots of {Executions} executions; posted {Posted}, gave up {GaveUp}, unchanged {Unchanged}, newer {Newer}, running {Running}, not found {NotFound}, failed {Failed}, skipped {Skipped}")]
    public static partial void Swept(ILogger logger, int slots, int executions, int posted, int gaveUp, int unchanged, int newer, int running, int notFound, int failed, int skipped);
}
