namespace Bridge.Core.Statuses;

/// <summary>
/// What GitHub shows for an execution CodePipeline superseded with a newer one (<c>Statuses:SupersededState</c>).
/// The newer execution reports on its own commit; this is only about the commit left behind.
/// </summary>
public enum SupersededState
{
    /// <summary>A red "error": the commit was never verified. The default, and the safest for required checks.</summary>
    Error,
    /// <summary>Stays pending ("superseded by a newer execution"): a required check keeps the pull request blocked.</summary>
    Pending,
    /// <summary>A green check: trust that the newer execution covers this commit.</summary>
    Success,
    /// <summary>Post nothing: GitHub keeps showing whatever the execution last reported (usually pending).</summary>
    None,
}
