using Bridge.Core.Handling;

namespace Bridge.Core.Checks;

/// <summary>
/// What GitHub's buttons may ask of CodePipeline: list an execution's actions, retry a stage's failed actions, start
/// the pipeline again on a commit. Throws <see cref="UpstreamException"/>.
/// </summary>
public interface IPipelineActions
{
    Task<IReadOnlyList<ActionExecution>> ListActionsAsync(ExecutionRef execution, CancellationToken ct);

    /// <summary>RetryStageExecution with retry mode FAILED_ACTIONS.</summary>
    Task RetryFailedActionsAsync(ExecutionRef execution, string stage, CancellationToken ct);

    /// <summary>StartPipelineExecution of <paramref name="execution"/>'s pipeline on <paramref name="commit"/> at the named source action (V2 pipelines).</summary>
    /// <param name="clientToken">The same token for the same request (GitHub's delivery id): AWS starts one execution for it however often it is sent.</param>
    /// <returns>The new execution's id.</returns>
    Task<string> StartOnCommitAsync(ExecutionRef execution, string sourceAction, string commit, string clientToken, CancellationToken ct);

    /// <summary>The revision a source action would build now (GetPipelineState's <c>currentRevision</c>); null when it has none.</summary>
    Task<string?> SourceHeadAsync(ExecutionRef execution, string sourceAction, CancellationToken ct);

    /// <summary>StartPipelineExecution without overrides: each source builds its head (what a V1 pipeline can do).</summary>
    Task<string> StartAsync(ExecutionRef execution, string clientToken, CancellationToken ct);
}
