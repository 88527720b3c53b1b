namespace Bridge.Core.Handling;

/// <summary>CodePipeline's GetPipelineExecution, reduced to what the bridge needs. Throws <see cref="UpstreamException"/>.</summary>
public interface IExecutionSource
{
    Task<ExecutionDetails> GetExecutionAsync(ExecutionRef execution, CancellationToken ct);
}
