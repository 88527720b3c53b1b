using Bridge.Core.Events;
using Bridge.Core.Text;

namespace Bridge.Core.Statuses;

/// <summary>Builds the status text, context and link for an event. Pure: the same event always gives the same status.</summary>
public sealed class StatusComposer(string contextPrefix = StatusComposer.DefaultContextPrefix)
{
    /// <summary>Statuses appear on GitHub as <c>codepipeline/{pipeline}</c> unless configured otherwise.</summary>
    public const string DefaultContextPrefix = "codepipeline";

    /// <summary>GitHub rejects descriptions over 140 characters with a 422.</summary>
    public const int MaxDescription = 140;

    public CommitStatus ForPipeline(CodePipelineEvent e, StateMapping m, string? failedStage = null)
    {
        var text = $"Pipeline {e.Pipeline} {m.Phrase}";
        if (m.State == CommitState.Failure && failedStage is not null) text += $" in stage {failedStage}";
        return new CommitStatus(m.State, $"{contextPrefix}/{e.Pipeline}", Truncate(text), TargetUrl(e));
    }

    /// <summary>
    /// A rollback execution's status: its own context, so the commit's verdict from its original run stands
    /// (a failed rollback must not turn a good commit red; a successful one must not turn a bad one green).
    /// </summary>
    public CommitStatus ForRollback(CodePipelineEvent e, StateMapping m) =>
        new(m.State, $"{contextPrefix}/{e.Pipeline}/{RollbackSuffix}", Truncate($"Pipeline {e.Pipeline}: rollback to this commit {m.Phrase}"), TargetUrl(e));

    /// <summary>The last segment of a rollback's context.</summary>
    public const string RollbackSuffix = "rollback";

    public CommitStatus ForStage(CodePipelineEvent e, StateMapping m) =>
        new(m.State, $"{contextPrefix}/{e.Pipeline}/{e.Stage}", Truncate($"Stage {e.Stage} of {e.Pipeline} {m.Phrase}"), TargetUrl(e));

    /// <summary>The execution's timeline in the AWS console.</summary>
    public static string TargetUrl(CodePipelineEvent e) =>
        // One interpolation, so the link is built once (two concatenated halves cost two more strings per event).
        $"https://{e.Region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/{Uri.EscapeDataString(e.Pipeline)}/executions/{Uri.EscapeDataString(e.ExecutionId)}/timeline?region={e.Region}";

    public static string Truncate(string text) => TextClip.Clip(text, MaxDescription);
}
