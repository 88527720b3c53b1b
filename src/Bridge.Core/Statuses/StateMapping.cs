namespace Bridge.Core.Statuses;

/// <summary>What a CodePipeline state means on GitHub. Null: post nothing.</summary>
public sealed record StateMapping(CommitState State, string Phrase);
