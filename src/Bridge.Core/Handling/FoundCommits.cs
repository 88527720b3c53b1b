using Bridge.Core.Revisions;

namespace Bridge.Core.Handling;

/// <summary>The commits an execution built, and whether it is a rollback (which reports apart from the commits' own verdict).</summary>
/// <param name="FromTrigger">The commit came from the event's trigger, not from the execution's recorded sources.</param>
public sealed record FoundCommits(ResolvedRevisions Revisions, bool Rollback, bool FromTrigger = false);
