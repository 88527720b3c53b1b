namespace Bridge.Core.Checks;

/// <summary>A requested action on a check run: GitHub limits the label to 20, the description to 40 and the identifier to 20 characters.</summary>
public sealed record CheckRunButton(string Label, string Description, string Identifier)
{
    /// <summary>On a failed run: retry the failed actions of the failed stage (RetryStageExecution, FAILED_ACTIONS).</summary>
    public static readonly CheckRunButton RetryFailedStage = new("Retry failed stage", "Retry its failed actions in AWS", GitHubWebhookHandler.RetryFailedStage);
}
