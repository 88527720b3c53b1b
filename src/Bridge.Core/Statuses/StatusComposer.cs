using Bridge.Core.Events;
using Bridge.Core.Handling;
using Bridge.Core.Text;

namespace Bridge.Core.Statuses;

/// <summary>
/// Builds the status text, context and link for an event, or for an execution the repair sweep asked CodePipeline about.
/// Pure: the same input always gives the same status.
/// </summary>
public sealed class StatusComposer(string contextPrefix = StatusComposer.DefaultContextPrefix)
{
    /// <summary>Statuses appear on GitHub as <c>codepipeline/{pipeline}</c> unless configured otherwise.</summary>
    public const string DefaultContextPrefix = "codepipeline";

    /// <summary>GitHub rejects descriptions over 140 characters with a 422.</summary>
    public const int MaxDescription = 140;

    /// <summary>The last segment of a rollback's context.</summary>
    public const string RollbackSuffix = "rollback";

    public CommitStatus ForPipeline(CodePipelineEvent e, StateMapping m, string? failedStage = null) =>
        Pipeline(e.Pipeline, m, failedStage, TargetUrl(e));

    /// <summary>
    /// A rollback execution's status: its own context, so the commit's verdict from its original run stands
    /// (a failed rollback must not turn a good commit red; a successful one must not turn a bad one green).
    /// </summary>
    public CommitStatus ForRollback(CodePipelineEvent e, StateMapping m) => Rollback(e.Pipeline, m, TargetUrl(e));

    public CommitStatus ForStage(CodePipelineEvent e, StateMapping m) => Stage(e.Pipeline, e.Stage, m, TargetUrl(e));

    /// <summary>The pipeline's status from what GetPipelineExecution says (the repair sweep: no event to compose from).</summary>
    public CommitStatus ForPipeline(ExecutionRef x, StateMapping m) => Pipeline(x.Pipeline, m, null, TargetUrl(x));

    public CommitStatus ForRollback(ExecutionRef x, StateMapping m) => Rollback(x.Pipeline, m, TargetUrl(x));

    public CommitStatus ForStage(ExecutionRef x, string stage, StateMapping m) => Stage(x.Pipeline, stage, m, TargetUrl(x));

    /// <summary>A stage left pending by an execution that ended other than in success: it never reported, so it is not green.</summary>
    public CommitStatus StageNeverReported(ExecutionRef x, string stage, string executionStatus) =>
        new(CommitState.Error, StageContext(x.Pipeline, stage),
            Truncate($"Stage {stage} of {x.Pipeline}: the pipeline ended ({executionStatus}) before the stage reported"), TargetUrl(x));

    /// <summary>A slot whose execution CodePipeline no longer knows, given up on: its result will never come.</summary>
    public static CommitStatus NeverReceived(ExecutionRef x, string context) =>
        new(CommitState.Error, context, Truncate($"Pipeline {x.Pipeline}: the result was never received"), TargetUrl(x));

    /// <summary>The context of a pipeline's own status.</summary>
    public string PipelineContext(string pipeline) => $"{contextPrefix}/{pipeline}";

    public string RollbackContext(string pipeline) => $"{contextPrefix}/{pipeline}/{RollbackSuffix}";

    public string StageContext(string pipeline, string? stage) => $"{contextPrefix}/{pipeline}/{stage}";

    /// <summary>The execution's timeline in the AWS console.</summary>
    public static string TargetUrl(CodePipelineEvent e) => TargetUrl(e.Region, e.Pipeline, e.ExecutionId);

    public static string TargetUrl(ExecutionRef x) => TargetUrl(x.Region, x.Pipeline, x.ExecutionId);

    public static string Truncate(string text) => TextClip.Clip(text, MaxDescription);

    private CommitStatus Pipeline(string pipeline, StateMapping m, string? failedStage, string targetUrl)
    {
        var text = $"Pipeline {pipeline} {m.Phrase}";
        if (m.State == CommitState.Failure && failedStage is not null) text += $" in stage {failedStage}";
        return new CommitStatus(m.State, PipelineContext(pipeline), Truncate(text), targetUrl);
    }

    private CommitStatus Rollback(string pipeline, StateMapping m, string targetUrl) =>
        new(m.State, RollbackContext(pipeline), Truncate($"Pipeline {pipeline}: rollback to this commit {m.Phrase}"), targetUrl);

    private CommitStatus Stage(string pipeline, string? stage, StateMapping m, string targetUrl) =>
        new(m.State, StageContext(pipeline, stage), Truncate($"Stage {stage} of {pipeline} {m.Phrase}"), targetUrl);

    private static string TargetUrl(string region, string pipeline, string executionId) =>
        // One interpolation, so the link is built once (two concatenated halves cost two more strings per event).
        $"https://{region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/{Uri.EscapeDataString(pipeline)}/executions/{Uri.EscapeDataString(executionId)}/timeline?region={region}";
}
