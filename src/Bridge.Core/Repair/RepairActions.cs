namespace Bridge.Core.Repair;

/// <summary>The words for <see cref="RepairAction"/> in logs and metrics.</summary>
public static class RepairActions
{
    public static string Word(this RepairAction action) => action switch
    {
        RepairAction.Posted => "posted",
        RepairAction.Unchanged => "unchanged",
        RepairAction.Newer => "newer",
        RepairAction.Running => "running",
        RepairAction.NotFound => "not-found",
        RepairAction.GaveUp => "gave-up",
        RepairAction.Failed => "failed",
        _ => "skipped",
    };
}
