namespace Bridge.Core.Checks;

/// <summary>
/// Whether GitHub's buttons may act in AWS (section <c>Checks</c>). Off by default: a check run then offers no button
/// and the webhook endpoint acts on nothing.
/// </summary>
public sealed class RerunOptions
{
    public const string Section = "Checks";

    /// <summary>Offer "Retry failed stage" on failed runs and honour GitHub's Re-run.</summary>
    public bool AllowRerun { get; set; }

    /// <summary>When not empty, only these pipelines get buttons and re-runs.</summary>
    public List<string> RerunPipelines { get; set; } = [];

    /// <summary>The GitHub App ids whose check runs the bridge created (a run of any other app is not ours to act on).</summary>
    public HashSet<long> AppIds { get; set; } = [];

    public bool Allows(string pipeline) => AllowRerun && (RerunPipelines.Count == 0 || RerunPipelines.Contains(pipeline, StringComparer.Ordinal));
}
