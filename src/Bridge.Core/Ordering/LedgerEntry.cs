using Bridge.Core.Statuses;

namespace Bridge.Core.Ordering;

/// <summary>A status with what it takes to order a newcomer against it.</summary>
public sealed record LedgerEntry(string ExecutionId, DateTimeOffset ExecutionStart, int Attempt, DateTimeOffset EventTime, CommitStatus Status);
