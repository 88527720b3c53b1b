using Bridge.Core.Handling;

namespace Bridge.Core.Ordering;

/// <summary>How one status slot ended for one event: posted, left alone (and why), or a failure to hand back.</summary>
public sealed record SlotResult(Outcome Outcome, string? Detail, TimeSpan? RetryAfter = null);
