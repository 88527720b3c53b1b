namespace Bridge.Core.Checks;

/// <summary>What the bridge writes to a GitHub host (<c>GitHub:Mode</c>): commit statuses, check runs, or both.</summary>
public enum PublishMode
{
    /// <summary>Commit statuses only (the default; any credential can write them).</summary>
    Statuses,
    /// <summary>Check runs only (a GitHub App with Checks: write).</summary>
    Checks,
    /// <summary>Both, for a move from statuses to checks without a gap in required checks.</summary>
    Both,
}
