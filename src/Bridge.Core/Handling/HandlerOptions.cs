namespace Bridge.Core.Handling;

/// <summary>Time budgets and switches of the handler. EventBridge gives up on a request after 5 s.</summary>
public sealed class HandlerOptions
{
    /// <summary>The whole request, upstream retries included, stays within this.</summary>
    public TimeSpan RequestBudget { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long to keep re-reading an execution whose sources CodePipeline has not recorded yet.</summary>
    public TimeSpan RevisionWaitBudget { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Retry-After for transient failures that carry no wait of their own.</summary>
    public TimeSpan DefaultRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    public bool PostStageStatuses { get; set; }

    public string ContextPrefix { get; set; } = "codepipeline";
}
