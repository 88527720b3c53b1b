namespace Bridge.Core.Handling;

/// <summary>What the answer and the log say about the event: enough for an operator to find it, nothing more.</summary>
public sealed record EventSummary(string Id, string Pipeline, string ExecutionId, string State);
