namespace Bridge.Core.Handling;

/// <summary>Which execution to ask CodePipeline about, and in which account and region.</summary>
public sealed record ExecutionRef(string Account, string Region, string Pipeline, string ExecutionId);
