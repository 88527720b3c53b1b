using Bridge.Core.Revisions;

namespace Bridge.Core.Handling;

/// <summary>CodePipeline's GetPipelineExecution, reduced to what the bridge needs. Throws <see cref="UpstreamException"/>.</summary>
public interface IExecutionSource
{
    Task<IReadOnlyList<ArtifactRevision>> GetArtifactRevisionsAsync(ExecutionRef execution, CancellationToken ct);
}
