namespace Bridge.Core.Revisions;

/// <summary>A source revision that gets no status, and why (one log line, one entry in the response).</summary>
public sealed record SkippedRevision(string Source, string Reason);
