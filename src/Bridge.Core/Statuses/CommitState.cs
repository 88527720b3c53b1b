namespace Bridge.Core.Statuses;

/// <summary>GitHub's four commit-status states.</summary>
public enum CommitState { Pending, Success, Failure, Error }
