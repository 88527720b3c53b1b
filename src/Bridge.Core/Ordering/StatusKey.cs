namespace Bridge.Core.Ordering;

/// <summary>One GitHub status slot: GitHub keeps the newest status per (repository, sha, context).</summary>
public sealed record StatusKey(string Host, string Repository, string Sha, string Context);
