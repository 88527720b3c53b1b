using Bridge.Core.Revisions;

namespace Bridge.Core.Handling;

/// <summary>What is known about an execution from earlier events, so later ones need no AWS call.</summary>
/// <param name="Rollback">Whether the execution is a rollback; null when not known yet.</param>
public sealed record ExecutionFacts(ResolvedRevisions? Revisions, DateTimeOffset? StartTime, string? FailedStage, bool? Rollback = null);
