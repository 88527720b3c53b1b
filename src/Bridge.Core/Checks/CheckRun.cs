namespace Bridge.Core.Checks;

/// <summary>
/// Exactly what is sent to create or update a check run (POST /repos/{owner}/{repo}/check-runs, PATCH …/{id}).
/// <see cref="Status"/> and <see cref="Conclusion"/> are GitHub's words; <see cref="Conclusion"/> is set only when
/// the run is completed.
/// </summary>
public sealed record CheckRun(
    string Name,
    string ExternalId,
    string Status,
    string? Conclusion,
    string Title,
    string Summary,
    string DetailsUrl,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt)
{
    /// <summary>The buttons GitHub shows on the run (at most three); none unless re-runs from GitHub are allowed.</summary>
    public IReadOnlyList<CheckRunButton> Buttons { get; init; } = [];
}
