using System.Globalization;
using System.Text;
using Bridge.Core.Events;
using Bridge.Core.Statuses;
using Bridge.Core.Text;

namespace Bridge.Core.Checks;

/// <summary>
/// Builds the check run for a pipeline event (docs/architecture.md#check-runs): one run per commit and execution, named
/// like the status context, with the execution in <c>external_id</c>. Pure: the same event always gives the same run.
/// </summary>
public static class CheckRunComposer
{
    /// <summary>GitHub refuses a summary over 65,535 characters (422).</summary>
    public const int MaxSummary = 65_535;

    /// <summary>What the run's <c>external_id</c> holds: where the execution lives, so a webhook can find it again.</summary>
    public static string ExternalId(CodePipelineEvent e) => $"{e.Account}/{e.Region}/{e.Pipeline}/{e.ExecutionId}";

    public static string ExternalId(Handling.ExecutionRef x) => $"{x.Account}/{x.Region}/{x.Pipeline}/{x.ExecutionId}";

    /// <summary>The run's status and conclusion for a pipeline state; null for a state that posts nothing.</summary>
    public static (string Status, string? Conclusion)? Map(string state) => state switch
    {
        "STARTED" or "RESUMED" => ("in_progress", null),
        "SUCCEEDED" => ("completed", "success"),
        "FAILED" => ("completed", "failure"),
        "STOPPED" or "CANCELED" => ("completed", "cancelled"),
        "SUPERSEDED" => ("completed", "neutral"),
        _ => null,
    };

    /// <param name="status">The commit status composed for the same event: its context is the run's name, its text the title.</param>
    /// <param name="offerRetry">Re-runs from GitHub are allowed for this pipeline: a failed run gets the "Retry failed stage" button.</param>
    public static CheckRun? Compose(CodePipelineEvent e, CommitStatus status, DateTimeOffset? startTime, bool offerRetry = false)
    {
        if (Map(e.State) is not var (runStatus, conclusion)) return null;
        var title = e.State == "SUPERSEDED" ? $"Pipeline {e.Pipeline}: superseded by a newer execution" : status.Description;
        return new CheckRun(status.Context, ExternalId(e), runStatus, conclusion, TextClip.Clip(title, 1_000), Summary(e, title),
            status.TargetUrl, startTime, conclusion is null ? null : e.Time)
        {
            Buttons = offerRetry && conclusion == "failure" ? [CheckRunButton.RetryFailedStage] : [],
        };
    }

    private static string Summary(CodePipelineEvent e, string title)
    {
        var text = new StringBuilder(512);
        text.Append(CultureInfo.InvariantCulture, $"**{Markdown(title)}**\n\n");
        text.Append("| | |\n|---|---|\n");
        text.Append(CultureInfo.InvariantCulture, $"| pipeline | `{Markdown(e.Pipeline)}` ({e.Account}, {e.Region}) |\n");
        text.Append(CultureInfo.InvariantCulture, $"| execution | [`{e.ExecutionId}`]({StatusComposer.TargetUrl(e)}) |\n");
        if (e.Attempt is > 1) text.Append(CultureInfo.InvariantCulture, $"| attempt | {e.Attempt} |\n");
        if (e.Trigger is { } t)
        {
            if (t.BranchName is { Length: > 0 } branch) text.Append(CultureInfo.InvariantCulture, $"| branch | `{Markdown(branch)}` |\n");
            if (t.TagName is { Length: > 0 } tag) text.Append(CultureInfo.InvariantCulture, $"| tag | `{Markdown(tag)}` |\n");
            if (t.Author is { Length: > 0 } author) text.Append(CultureInfo.InvariantCulture, $"| by | {Markdown(author)} |\n");
            if (t.TriggerType is { Length: > 0 } type) text.Append(CultureInfo.InvariantCulture, $"| trigger | {Markdown(type)} |\n");
        }
        if (e.FailedStage is { } stage) text.Append(CultureInfo.InvariantCulture, $"| failed stage | `{Markdown(stage)}` |\n");
        // Every piece from the event is clipped already; the line breaks are the summary's own.
        return text.Length <= MaxSummary ? text.ToString() : text.ToString(0, MaxSummary - 1) + "…";
    }

    /// <summary>Names from the event cannot open a table cell, a link or code span of their own.</summary>
    private static string Markdown(string value) => TextClip.Clip(value, 200).Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
